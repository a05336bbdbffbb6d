import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NodeStats } from './node-stats';

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

function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('NodeStats.prometheus', () => {
  it("reports this process's resident memory and heap (the benchmarks read memory per connection from here)", async () => {
    const before = process.memoryUsage();
    const m = parse(await singleNode().prometheus());
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
