import { getDbHandle } from '@/lib/db';
import { getRealtime } from '@/lib/realtime/publish';

export const dynamic = 'force-dynamic';

/** Liveness for load balancers and humans: 503 when the database cannot answer. */
export async function GET(): Promise<Response> {
  let db: 'ok' | 'down' = 'ok';
  try {
    await (await getDbHandle()).ping(2_000);
  } catch {
    db = 'down';
  }
  const realtime = getRealtime();
  const body = {
    status: db === 'ok' ? 'ok' : 'degraded',
    db,
    realtime: realtime
      ? { status: 'ok', connections: realtime.connectionCount(), sseConnections: realtime.sseConnectionCount() }
      : { status: 'down', connections: 0, sseConnections: 0 },
    timestamp: new Date().toISOString(),
  };
  return Response.json(body, { status: db === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
