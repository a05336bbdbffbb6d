import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { type DbHandle, setDbHandle } from '@/lib/db';
import type { ConnectedPayload } from '@/lib/realtime/events';
import { installRealtime } from '@/lib/realtime/publish';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { dialOk as dialAccepted } from './http-client';
import { openTestDb } from './test-db';

export interface RealtimeFixture {
  url: string;
  http: Server;
  realtime: RealtimeServer;
  handle: DbHandle;
  alice: SignUpResult;
  bob: SignUpResult;
  /** Dials an accepted socket that is closed after the test. */
  dialOk(opts: { cookie?: string; token?: unknown }): Promise<{ socket: Socket; connected: ConnectedPayload }>;
}

export const cookieOf = (u: SignUpResult) => `parley_session=${u.session.secret}`;

/**
 * The real Socket.IO server on port 0 with the real authenticate on PGlite, plus two signed-up
 * users; registers its own before/after hooks. Read the fields inside tests (they are set in beforeAll).
 */
export function setupRealtimeFixture(): RealtimeFixture {
  const open: Socket[] = [];
  const fx = {
    async dialOk(opts: { cookie?: string; token?: unknown }) {
      const out = await dialAccepted(fx.url, opts);
      open.push(out.socket);
      return out;
    },
  } as RealtimeFixture;

  beforeAll(async () => {
    fx.handle = (await openTestDb('pglite')).handle;
    setDbHandle(fx.handle);
    fx.http = createServer();
    fx.realtime = createRealtimeServer(fx.http, { authenticate, log: pino({ level: 'silent' }) });
    installRealtime(fx.realtime.facade);
    await new Promise<void>((r) => fx.http.listen(0, '127.0.0.1', r));
    fx.url = `http://127.0.0.1:${(fx.http.address() as AddressInfo).port}`;
    fx.alice = await signUp({ email: 'alice@example.com', password: 'alice-password', name: 'Alice' });
    fx.bob = await signUp({ email: 'bob@example.com', password: 'bob-password', name: 'Bob' });
  });

  afterEach(() => {
    for (const s of open.splice(0)) s.disconnect();
  });

  afterAll(async () => {
    installRealtime(undefined);
    await fx.realtime?.close();
    await fx.handle?.close();
  });

  return fx;
}
