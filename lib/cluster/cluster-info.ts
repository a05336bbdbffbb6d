import { processSlot } from '@/lib/process-slot';

// What /api/health and /api/metrics may ask of the custom server about this node and the
// cluster. Installed on globalThis at boot, like the realtime facade (route handlers are bundled
// apart from server/index.ts).

export type RedisHealth = { status: 'disabled' } | { status: 'ok'; latencyMs: number } | { status: 'down' };

export interface ClusterInfo {
  nodeId: string;
  /** Sessions whose lease this node holds. */
  ownedSessions(): number;
  redis(): Promise<RedisHealth>;
  /** Prometheus text exposition of this node and, with Redis, of every live node. */
  metrics(): Promise<string>;
}

const slot = processSlot<ClusterInfo>('cluster');

export function installClusterInfo(info: ClusterInfo | undefined): void {
  slot.set(info);
}

export function getClusterInfo(): ClusterInfo | undefined {
  return slot.get();
}
