import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nextEnv from '@next/env';
import next from 'next';
import { authenticate } from '@/lib/auth/authenticate';
import { authProvider } from '@/lib/auth/provider';
import { closeDb, getDbHandle } from '@/lib/db';
import { migrateDb } from '@/lib/db/migrate';
import { env, EnvError } from '@/lib/env';
import { installLogger } from '@/lib/logger';
import { installRealtime } from '@/lib/realtime/publish';
import { installMessagingControl } from '@/lib/messaging/messaging-control';
import { installSessionControl } from '@/lib/whatsapp/session-control';
import { appSecret } from '@/lib/secrets/app-secret';
import { createRequestHandler } from './http/handle-request';
import { createMessaging } from './messaging/create-messaging';
import { createServerLogger } from './logger';
import { createRealtimeServer } from './realtime/create-realtime-server';
import { createSseHandler, SSE_PATH } from './realtime/sse-handler';
import { SseHub } from './realtime/sse-hub';
import { createSessionManager } from './whatsapp/create-session-manager';

// One process: one http.Server carrying Next.js (pages + route handlers) and Socket.IO.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const dev = process.env.NODE_ENV !== 'production';
  nextEnv.loadEnvConfig(ROOT, dev, { info: () => {}, error: console.error });

  let config;
  try {
    config = env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`Parley cannot start.\n${err.message}\nSee .env.example for every variable and its default.`);
      process.exit(1);
    }
    throw err;
  }

  const log = createServerLogger(config.LOG_LEVEL, dev);
  installLogger(log);
  const bootStarted = performance.now();

  appSecret(); // generated and persisted on first start when APP_SECRET is unset
  authProvider(); // builds the token verifier now, so a bad key fails the start, not the first sign-in
  const db = await getDbHandle();
  await migrateDb(db);
  log.info({ db: db.kind }, 'database ready');

  // Requests that arrive while Next.js prepares wait for it instead of failing.
  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  let resolveHandler!: (h: Handler) => void;
  const ready = new Promise<Handler>((resolve) => (resolveHandler = resolve));
  const sseHub = new SseHub();
  const sse = createSseHandler({ hub: sseHub, heartbeatMs: config.SSE_HEARTBEAT_MS, log: log.child({ component: 'sse' }) });
  const httpServer = createServer(createRequestHandler({ ready, trustProxy: config.TRUST_PROXY, log, routes: { [SSE_PATH]: sse } }));
  httpServer.keepAliveTimeout = 65_000;

  const realtime = createRealtimeServer(httpServer, { authenticate, log: log.child({ component: 'realtime' }), sse: sseHub });
  installRealtime(realtime.facade);

  // Sessions and messaging need each other (inbound messages in, outbound sends out): the
  // messaging runtime reaches the session manager through this late-bound function.
  let sendWeb: (botId: string, to: string, text: string) => Promise<{ externalId: string }> = async () => {
    throw new Error('WhatsApp sessions are not running yet.');
  };
  const messaging = createMessaging({ config, log, sendWeb: (...args) => sendWeb(...args) });
  installMessagingControl(messaging.control);
  const sessions = createSessionManager(config, log, { onMessage: messaging.onMessage, onMessageStatus: messaging.onMessageStatus });
  sendWeb = (botId, to, text) => sessions.sendText(botId, to, text);
  installSessionControl(sessions);

  // Upgrades that are neither Socket.IO nor Next's dev HMR would otherwise hang until timeout.
  httpServer.on('upgrade', (req, socket) => {
    const url = req.url ?? '';
    if (url.startsWith('/socket.io/') || (dev && url.startsWith('/_next/'))) return;
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  const app = next({ dev, dir: ROOT, hostname: 'localhost', port, httpServer, quiet: !dev });
  await app.prepare();
  resolveHandler(app.getRequestHandler());

  // Linked bots reconnect in the background; the app is usable meanwhile.
  sessions
    .restoreAll()
    .then((r) => log.info({ engine: sessions.engineName, ...r }, 'WhatsApp sessions restored'))
    .catch((err: unknown) => log.error({ err }, 'restoring WhatsApp sessions failed'))
    // Messages accepted before a restart but not yet sent go out now.
    .then(() => messaging.queue.resumePending())
    .then((n) => n && log.info({ pending: n }, 'resumed pending outbound messages'))
    .catch((err: unknown) => log.error({ err }, 'resuming pending outbound messages failed'));

  const url = `http://localhost:${port}`;
  log.info({ url, mode: dev ? 'development' : 'production', auth: config.AUTH_PROVIDER, bootMs: Math.round(performance.now() - bootStarted) }, 'Parley ready');
  // A plain line for people and for the integration tests (which start servers on port 0).
  process.stdout.write(`Parley listening on ${url}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.warn('shutdown grace period over; closing remaining connections');
      httpServer.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // io.close() stops accepting, disconnects every socket, and closes the http server, which
    // waits for in-flight requests; only then is the database closed under them.
    const httpClosed = new Promise<void>((resolve) => httpServer.once('close', () => resolve()));
    installSessionControl(undefined);
    installMessagingControl(undefined);
    messaging.queue.stop();
    await sessions.shutdown().catch((err: unknown) => log.warn({ err }, 'stopping WhatsApp sessions failed'));
    installRealtime(undefined);
    sseHub.closeAll();
    await realtime.close();
    httpServer.closeIdleConnections();
    await httpClosed;
    await app.close().catch((err: unknown) => log.warn({ err }, 'next close failed'));
    await closeDb();
    clearTimeout(force);
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('Parley failed to start:', err);
  process.exit(1);
});
