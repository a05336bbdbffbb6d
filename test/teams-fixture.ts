import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, conversations, memberships, messages, users, type MembershipRole } from '@/lib/db/schema';
import { installMessagingControl } from '@/lib/messaging/messaging-control';
import { installRealtime } from '@/lib/realtime/publish';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { installSessionControl } from '@/lib/whatsapp/session-control';
import { createMessaging, type Messaging } from '@/server/messaging/create-messaging';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { createSseHandler, SSE_PATH } from '@/server/realtime/sse-handler';
import { SseHub } from '@/server/realtime/sse-hub';
import { SessionManager } from '@/server/whatsapp/session-manager';
import { createSimulator } from '@/server/whatsapp/simulator/simulator';
import { dialOk } from './http-client';
import { APP_ROUTES } from './app-routes';
import { createRouteServer, type RouteServer } from './route-server';
import { openTestDb } from './test-db';

// Parley in one process for the teams tests: every REST route handler the browser uses, the
// Socket.IO server, the SSE stream and the simulated WhatsApp session manager on one http server
// on port 0 and PGlite, with a workspace whose members hold every role, plus an outsider who
// owns a workspace of their own. Registers its own hooks; read the fields inside tests.


export type Role = 'owner' | 'admin' | 'agent' | 'outsider';
export const ROLE_NAMES: readonly Role[] = ['owner', 'admin', 'agent', 'outsider'];

export interface TeamsFixture {
  url: string;
  handle: DbHandle;
  realtime: RealtimeServer;
  hub: SseHub;
  manager: SessionManager;
  routes: RouteServer;
  /** The shared workspace (owner, admin, agent) and the outsider's own. */
  workspaceId: string;
  outsiderWorkspaceId: string;
  users: Record<Role, SignUpResult>;
  cookie(role: Role | SignUpResult): string;
  /** An HTTP request as that user's browser would send it; returns status and parsed body. */
  call(as: Role | SignUpResult, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }>;
  dial(as: Role | SignUpResult): Promise<Socket>;
  newBot(opts?: { workspaceId?: string; name?: string; connected?: boolean }): Promise<string>;
  newConversation(botId: string): Promise<{ conversationId: string; failedMessageId: string }>;
  /** Signs up a new user (with a session) and adds them to the shared workspace with this role. */
  newMember(role: MembershipRole, name?: string): Promise<SignUpResult>;
  /** A user row (no password, no session: quick) added to the shared workspace; their id. */
  newMemberId(role: MembershipRole): Promise<string>;
}

let emailCounter = 0;

export function setupTeamsFixture(): TeamsFixture {
  const log = pino({ level: 'silent' });
  const sockets: Socket[] = [];
  let http: Server;
  let messaging: Messaging;

  const fx = {} as TeamsFixture;
  const userOf = (as: Role | SignUpResult) => (typeof as === 'string' ? fx.users[as] : as);
  fx.cookie = (as) => `parley_session=${userOf(as).session.secret}`;
  fx.call = async (as, method, path, body) => {
    const res = await fetch(fx.url + path, {
      method,
      headers: { cookie: fx.cookie(as), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, text };
  };
  fx.dial = async (as) => {
    const { socket } = await dialOk(fx.url, { cookie: fx.cookie(as) });
    sockets.push(socket);
    return socket;
  };
  fx.newBot = async (opts = {}) => {
    const [bot] = await fx.handle.db
      .insert(bots)
      .values({ workspaceId: opts.workspaceId ?? fx.workspaceId, name: opts.name ?? 'Support', status: opts.connected ? 'CONNECTED' : 'DISCONNECTED' })
      .returning();
    return bot!.id;
  };
  fx.newConversation = async (botId) => {
    const [bot] = await fx.handle.db.select({ workspaceId: bots.workspaceId }).from(bots).where(eq(bots.id, botId));
    const workspace = bot!.workspaceId;
    const [conv] = await fx.handle.db
      .insert(conversations)
      .values({ workspaceId: workspace, botId, contactPhone: `49151${String(++emailCounter).padStart(7, '0')}`, contactName: 'Lina', unreadCount: 1 })
      .returning();
    const [failed] = await fx.handle.db
      .insert(messages)
      .values({ conversationId: conv!.id, botId, direction: 'out', body: 'did not go out', status: 'failed', author: 'agent', error: 'offline' })
      .returning();
    return { conversationId: conv!.id, failedMessageId: failed!.id };
  };
  fx.newMember = async (role, name = 'Member') => {
    const user = await signUp({ email: `member.${++emailCounter}.${Date.now()}@example.com`, password: 'member-password', name });
    await fx.handle.db.insert(memberships).values({ workspaceId: fx.workspaceId, userId: user.user.id, role });
    return user;
  };

  fx.newMemberId = async (role) => {
    const [user] = await fx.handle.db.insert(users).values({ email: `quick.${++emailCounter}.${Date.now()}@example.com`, name: 'Quick' }).returning();
    await fx.handle.db.insert(memberships).values({ workspaceId: fx.workspaceId, userId: user!.id, role });
    return user!.id;
  };

  beforeAll(async () => {
    fx.handle = (await openTestDb('pglite')).handle;
    setDbHandle(fx.handle);
    fx.routes = createRouteServer(APP_ROUTES, () => fx.url);
    fx.hub = new SseHub();
    const sse = createSseHandler({ hub: fx.hub, heartbeatMs: 5_000, log });
    http = createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] === SSE_PATH) return void sse(req, res);
      fx.routes.handle(req, res);
    });
    fx.realtime = createRealtimeServer(http, { authenticate, log, sse: fx.hub });
    installRealtime(fx.realtime.facade);
    const { engine, control } = createSimulator({ qrFirstMs: 60_000, qrNextMs: 20_000, qrRefs: 3, restartMs: 0 });
    fx.manager = new SessionManager({ engine, simulator: control, log });
    installSessionControl(fx.manager);
    messaging = createMessaging({
      config: { SEND_MIN_INTERVAL_MS: 0, SEND_MAX_ATTEMPTS: 1 },
      log,
      sendWeb: async (_botId, _to, _text) => ({ externalId: `wamid.out.${Math.random().toString(36).slice(2)}` }),
    });
    installMessagingControl(messaging.control);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    fx.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    const make = (name: string) => signUp({ email: `${name.toLowerCase()}@example.com`, password: `${name.toLowerCase()}-password`, name });
    fx.users = { owner: await make('Olivia'), admin: await make('Adam'), agent: await make('Agnes'), outsider: await make('Oscar') };
    fx.workspaceId = fx.users.owner.workspace.id;
    fx.outsiderWorkspaceId = fx.users.outsider.workspace.id;
    await fx.handle.db.insert(memberships).values([
      { workspaceId: fx.workspaceId, userId: fx.users.admin.user.id, role: 'admin' },
      { workspaceId: fx.workspaceId, userId: fx.users.agent.user.id, role: 'agent' },
    ]);
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await vi.waitFor(() => expect(fx.realtime.facade.connectionCount()).toBe(0), { timeout: 2_000, interval: 10 });
  });

  afterAll(async () => {
    installSessionControl(undefined);
    await fx.manager?.shutdown();
    messaging?.queue.stop();
    installMessagingControl(undefined);
    installRealtime(undefined);
    fx.hub?.closeAll();
    await fx.realtime?.close();
    await fx.handle?.close();
  });

  return fx;
}
