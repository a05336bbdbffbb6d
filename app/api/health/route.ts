import { getClusterInfo, type RedisHealth } from '@/lib/cluster/cluster-info';
import { getDbHandle } from '@/lib/db';
import { getRealtime } from '@/lib/realtime/publish';

export const dynamic = 'force-dynamic';

/**
 * Liveness for load balancers and humans: 503 when the database cannot answer. Redis down is
 * `degraded` but still 200: the node keeps serving its own clients (and catches up when it returns).
 */
export async function GET(): Promise<Response> {
  let db: 'ok' | 'down' = 'ok';
  try {
    await (await getDbHandle()).ping(2_000);
  } catch {
    db = 'down';
  }
  const realtime = getRealtime();
  const cluster = getClusterInfo();
  const redis: RedisHealth = cluster ? await cluster.redis() : { status: 'disabled' };
  const body = {
    status: db === 'ok' && redis.status !== 'down' ? 'ok' : 'degraded',
    db,
    redis,
    node: cluster?.nodeId ?? null,
    sessions: cluster?.ownedSessions() ?? 0,
    realtime: realtime
      ? { status: 'ok', connections: realtime.connectionCount(), sseConnections: realtime.sseConnectionCount() }
      : { status: 'down', connections: 0, sseConnections: 0 },
    timestamp: new Date().toISOString(),
  };
  return Response.json(body, { status: db === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
