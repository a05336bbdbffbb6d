import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { ConnectedPayload } from '@/lib/realtime/events';

/** A tiny cookie-keeping HTTP client for talking to a running server like a browser would. */
export class Client {
  cookie: string | undefined;
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + path, {
      method,
      redirect: 'manual',
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set) {
      const pair = set.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    return res;
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.request(method, path, body);
    return { status: res.status, body: (await res.json()) as T, res };
  }
}

export type Dialed = { ok: true; socket: Socket; connected: ConnectedPayload } | { ok: false; message: string };

/** One Socket.IO handshake, no retries: resolves with the greeting or the refusal code. */
export function dial(base: string, opts: { cookie?: string; token?: unknown }): Promise<Dialed> {
  return new Promise((resolve) => {
    const socket = io(base, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: opts.cookie ? { cookie: opts.cookie } : undefined,
      auth: opts.token === undefined ? undefined : { token: opts.token },
    });
    socket.once('connected', (connected: ConnectedPayload) => resolve({ ok: true, socket, connected }));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ ok: false, message: err.message });
    });
  });
}

/** A handshake that must succeed; throws with the refusal code otherwise. */
export async function dialOk(base: string, opts: { cookie?: string; token?: unknown }): Promise<{ socket: Socket; connected: ConnectedPayload }> {
  const d = await dial(base, opts);
  if (!d.ok) throw new Error(`connection refused: ${d.message}`);
  return d;
}

export function nextEvent<T>(socket: Socket, event: string, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

export type Account = { client: Client; userId: string; workspaceId: string };

/** Signs up through the real API; the returned client keeps the session cookie. */
export async function signUpAccount(base: string, email: string, name = 'Test User'): Promise<Account> {
  const client = new Client(base);
  const { status, body } = await client.json<{ user: { id: string }; workspaces: { id: string }[] }>('POST', '/api/v1/auth/sign-up', {
    email,
    password: 'correct-horse',
    name,
  });
  expect(status).toBe(201);
  return { client, userId: body.user.id, workspaceId: body.workspaces[0]!.id };
}
