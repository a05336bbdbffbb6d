import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NodeStats } from './node-stats';
import { parseMetrics } from '@/test/cluster';

function singleNode(): NodeStats {
  return new NodeStats({
    nodeId: 'node-a',
    intervalMs: 5_000,
    log: pino({ level: 'silent' }),
    figures: () => ({ socketConnections: 3, sseConnections: 1, runningSessions: 0 }),
    ownedByNode: async () => new Map(),
    counters: () => ({}),
    heldForRedis: () => 0,
  });
}

describe('NodeStats.prometheus', () => {
  it("reports this process's resident memory and heap (the benchmarks read memory per connection from here)", async () => {
    const before = process.memoryUsage();
    const m = parseMetrics(await singleNode().prometheus());
    const rss = m.get('process_resident_memory_bytes{node="node-a"}');
    const heapUsed = m.get('nodejs_heap_size_used_bytes{node="node-a"}');
    const heapTotal = m.get('nodejs_heap_size_total_bytes{node="node-a"}');
    expect(rss).toBeGreaterThan(before.rss / 2);
    expect(rss).toBeLessThan(before.rss * 2);
    expect(heapUsed).toBeGreaterThan(0);
    expect(heapTotal).toBeGreaterThanOrEqual(heapUsed!);
    expect(m.get('nodejs_external_memory_bytes{node="node-a"}')).toBeGreaterThan(0);
    expect(m.get('parley_socket_connections{node="node-a"}')).toBe(3);
  });
});
