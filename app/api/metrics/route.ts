import { getClusterInfo } from '@/lib/cluster/cluster-info';

export const dynamic = 'force-dynamic';

/**
 * Prometheus text: per node, Socket.IO and SSE connections, owned and running WhatsApp sessions,
 * Redis, takeovers and forwarded commands (every live node's figures when Redis is configured).
 * Counts only, nothing per user; keep it off the public internet like any metrics endpoint.
 */
export async function GET(): Promise<Response> {
  const cluster = getClusterInfo();
  if (!cluster) {
    return new Response('# Parley is not running in this process\n', { status: 503, headers: { 'content-type': 'text/plain; version=0.0.4' } });
  }
  return new Response(await cluster.metrics(), {
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
  });
}
