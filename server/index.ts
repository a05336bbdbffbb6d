import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nextEnv from '@next/env';
import next from 'next';
import * as cloudWebhook from '@/app/api/whatsapp/webhook/route';
import { authenticate } from '@/lib/auth/authenticate';
import { authProvider } from '@/lib/auth/provider';
import { installClusterInfo } from '@/lib/cluster/cluster-info';
import { closeDb, getDbHandle } from '@/lib/db';
import { migrateDb } from '@/lib/db/migrate';
import { env, EnvError } from '@/lib/env';
import { installLogger } from '@/lib/logger';
import { installRealtime } from '@/lib/realtime/publish';
import { installMessagingControl } from '@/lib/messaging/messaging-control';
import { installRateLimiter } from '@/lib/rate-limit/rate-limiter';
import { installSessionControl } from '@/lib/whatsapp/session-control';
import { appSecret } from '@/lib/secrets/app-secret';
import { ClusterBus } from './cluster/cluster-bus';
import { ClusteredSessions } from './cluster/clustered-sessions';
import { LeaseKeeper } from './cluster/lease-keeper';
import { LeaseStore } from './cluster/lease-store';
import { NodeStats } from './cluster/node-stats';
import { connectRedis, redactRedisUrl, type RedisConnection } from './cluster/redis';
import { createRedisRateLimiter } from './cluster/redis-rate-limiter';
import { RedisSseHub } from './cluster/redis-sse-hub';
import { createResilientAdapter, type ResilientAdapter } from './cluster/socket-adapter';
import { handleClientError } from './http/client-error';
import { createRequestHandler } from './http/handle-request';
import { bridgeRoute } from './http/route-bridge';
import { securityHeaders } from './http/security-headers';
import { createMessaging } from './messaging/create-messaging';
import { createServerLogger } from './logger';
import { createRealtimeServer } from './realtime/create-realtime-server';
import { createSseHandler, SSE_PATH } from './realtime/sse-handler';
import { SseHub, type SseBroker } from './realtime/sse-hub';
import { createSessionManager } from './whatsapp/create-session-manager';

// One process: one http.Server carrying Next.js (pages + route handlers) and Socket.IO.
// With REDIS_URL several such processes (nodes) share the load: README "Running several nodes".

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

  let redis: RedisConnection | undefined;
  if (config.REDIS_URL) {
    try {
      redis = await connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, log: log.child({ component: 'redis' }) });
    } catch (err) {
      console.error(`Parley cannot start: ${err instanceof Error ? err.message : String(err)}.\nREDIS_URL is set, so Redis must be reachable at start (unset it to run a single node).`);
      process.exit(1);
    }
    log.info({ redis: redactRedisUrl(config.REDIS_URL) }, 'Redis ready');
    if (db.kind === 'pglite') {
      log.warn('REDIS_URL is set but the database is the embedded one (no DATABASE_URL): nodes cannot share it, so run one node, or use PostgreSQL');
    }
  }

  // Requests that arrive while Next.js prepares wait for it instead of failing.
  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  let resolveHandler!: (h: Handler) => void;
  const ready = new Promise<Handler>((resolve) => (resolveHandler = resolve));
  let resolveSse!: (h: Handler) => void;
  const sseReady = new Promise<Handler>((resolve) => (resolveSse = resolve));
  // Meta's webhook skips Next.js's request pipeline: ingest throughput (BENCHMARKS.md, issue 7).
  const webhook = bridgeRoute({ module: cloudWebhook, fallback: () => ready, maxBody: 1024 * 1024 });
  // Its security headers come from the request handler below, which sets them on every response.
  const httpServer = createServer(
    createRequestHandler({
      ready,
      trustProxy: config.TRUST_PROXY,
      log,
      routes: { [SSE_PATH]: async (req, res) => (await sseReady)(req, res), [CLOUD_WEBHOOK_PATH]: webhook },
      headers: securityHeaders(config, dev),
    }),
  );
  httpServer.keepAliveTimeout = 65_000;
  // Requests Node's parser refuses get an answer the client can read (server/http/client-error.ts).
  httpServer.on('clientError', handleClientError);

  // Upgrades that are neither Socket.IO nor Next's dev HMR would otherwise hang until timeout.
  httpServer.on('upgrade', (req, socket) => {
    const url = req.url ?? '';
    if (url.startsWith('/socket.io/') || (dev && url.startsWith('/_next/'))) return;
    socket.destroy();
  });

  // Listening first: the node's default name includes its port (PORT=0 picks one).
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const nodeId = config.NODE_ID ?? `${os.hostname()}:${port}`;

  // Realtime: Socket.IO (Redis Streams adapter across nodes) and SSE (Redis streams across nodes).
  let adapter: ResilientAdapter | undefined;
  let sseHub: SseBroker;
  let redisSse: RedisSseHub | undefined;
  if (redis) {
    adapter = createResilientAdapter(redis, log.child({ component: 'socket-adapter' }));
    redisSse = new RedisSseHub({ redis, log: log.child({ component: 'sse' }) });
    await redisSse.start();
    sseHub = redisSse;
    installRateLimiter(createRedisRateLimiter(redis, log.child({ component: 'rate-limit' })));
  } else {
    sseHub = new SseHub();
  }
  resolveSse(createSseHandler({ hub: sseHub, heartbeatMs: config.SSE_HEARTBEAT_MS, log: log.child({ component: 'sse' }) }));
  const realtime = createRealtimeServer(httpServer, {
    authenticate,
    log: log.child({ component: 'realtime' }),
    sse: sseHub,
    adapter: adapter?.factory,
    maxBufferedBytes: config.SOCKET_MAX_BUFFERED_BYTES,
  });
  installRealtime(realtime.facade);

  // WhatsApp sessions run under leases (one node per session); commands for a session that runs
  // on another node are forwarded there over Redis.
  const clusterLog = log.child({ component: 'cluster', node: nodeId });
  const bus = redis ? new ClusterBus({ redis, nodeId, timeoutMs: config.CLUSTER_RPC_TIMEOUT_MS, log: clusterLog }) : undefined;
  const leaseStore = new LeaseStore({ nodeId, ttlMs: config.SESSION_LEASE_TTL_MS });

  // Sessions and messaging need each other (inbound messages in, outbound sends out): the
  // messaging runtime reaches the sessions through these late-bound functions.
  const late: { sessions?: ClusteredSessions } = {};
  const messaging = createMessaging({
    config,
    log,
    sendWeb: (botId, to, text) => late.sessions!.sendText(botId, to, text),
    handOff: bus
      ? async ({ id, botId, channel }) => {
          if (channel !== 'whatsapp_web') return 'local';
          const owner = await late.sessions!.ownerElsewhere(botId);
          if (!owner) return 'local';
          // The owner's queue sends it. Out of reach (Redis down, the node hung): wait, and ask
          // again — by then it answers, or its lease has moved and the next owner is asked.
          return bus.request(owner, 'enqueue', { ids: [id] }).then(
            () => 'handed' as const,
            () => 'wait' as const,
          );
        }
      : undefined,
  });
  installMessagingControl(messaging.control);
  bus?.handle('enqueue', async (args: { ids: string[] }) => messaging.queue.enqueue(args.ids));

  const keeper = new LeaseKeeper({
    store: leaseStore,
    ttlMs: config.SESSION_LEASE_TTL_MS,
    renewMs: config.SESSION_LEASE_RENEW_MS,
    log: clusterLog,
    onLost: (lease) => local.leaseLost(lease),
    onTakeover: (lease) => local.takeOver(lease),
  });
  const local = createSessionManager(config, log, {
    onMessage: messaging.onMessage,
    onMessageStatus: messaging.onMessageStatus,
    onConnected: (botId) => {
      void messaging.queue
        .resumePending({ botId })
        .catch((err: unknown) => log.error({ err, botId }, 'resuming pending outbound messages failed'));
    },
    leases: keeper,
  });
  const sessions = new ClusteredSessions({ local, store: leaseStore, keeper, bus });
  late.sessions = sessions;
  const stats = new NodeStats({
    nodeId,
    redis,
    intervalMs: config.SESSION_LEASE_RENEW_MS,
    log: clusterLog,
    figures: () => ({
      socketConnections: realtime.facade.connectionCount(),
      sseConnections: realtime.facade.sseConnectionCount(),
      runningSessions: local.runningCount(),
    }),
    ownedByNode: () => leaseStore.ownedCounts(),
    counters: () => ({
      lease_takeovers: keeper.stats.takeovers,
      leases_lost: keeper.stats.lost,
      forwarded_commands: bus?.stats.forwarded ?? 0,
      forwarded_failures: bus?.stats.failed ?? 0,
      served_commands: bus?.stats.served ?? 0,
      slow_consumer_disconnects: realtime.buffers.disconnects,
    }),
    socketBuffers: () => realtime.buffers,
    heldForRedis: () => (adapter?.heldCount() ?? 0) + (redisSse?.heldCount() ?? 0),
  });
  try {
    await stats.ensureUniqueNodeId();
  } catch (err) {
    console.error(`Parley cannot start: ${err instanceof Error ? err.message : String(err)}.`);
    process.exit(1);
  }
  stats.start();
  await bus?.start();
  installSessionControl(sessions);

  installClusterInfo({
    nodeId,
    ownedSessions: () => keeper.count(),
    redis: () => stats.redisHealth(),
    metrics: () => stats.prometheus(),
  });

  const app = next({ dev, dir: ROOT, hostname: 'localhost', port, httpServer, quiet: !dev });
  await app.prepare();
  resolveHandler(app.getRequestHandler());

  // Linked bots reconnect in the background; the app is usable meanwhile. Then the lease
  // heartbeat starts: renewals, and taking over the sessions of nodes that stopped renewing.
  local
    .restoreAll()
    .then((r) => log.info({ engine: local.engineName, node: nodeId, ...r }, 'WhatsApp sessions restored'))
    .catch((err: unknown) => log.error({ err }, 'restoring WhatsApp sessions failed'))
    .then(() => keeper.start())
    // Messages accepted before a restart but not yet sent go out now (each by its bot's node).
    .then(() => messaging.queue.resumePending())
    .then((n) => n && log.info({ pending: n }, 'resumed pending outbound messages'))
    .catch((err: unknown) => log.error({ err }, 'resuming pending outbound messages failed'));

  const url = `http://localhost:${port}`;
  log.info(
    { url, node: nodeId, redis: Boolean(redis), mode: dev ? 'development' : 'production', auth: config.AUTH_PROVIDER, bootMs: Math.round(performance.now() - bootStarted) },
    'Parley ready',
  );
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
    installClusterInfo(undefined);
    messaging.queue.stop();
    keeper.stop();
    await local.shutdown().catch((err: unknown) => log.warn({ err }, 'stopping WhatsApp sessions failed'));
    // Sessions stopped: their leases expire now, so another node takes them over at once.
    await keeper.releaseAll().catch((err: unknown) => log.warn({ err }, 'releasing session leases failed'));
    await stats.stop();
    await bus?.close();
    installRealtime(undefined);
    sseHub.closeAll();
    await redisSse?.close();
    await realtime.close();
    httpServer.closeIdleConnections();
    await httpClosed;
    await app.close().catch((err: unknown) => log.warn({ err }, 'next close failed'));
    installRateLimiter(undefined);
    await redis?.close();
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

const CLOUD_WEBHOOK_PATH = '/api/whatsapp/webhook';

