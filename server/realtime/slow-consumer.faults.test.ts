import type { Socket as NetSocket } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudInbox, type CloudInbox } from '@/test/cloud-inbox';
import { parseMetrics } from '@/test/cluster';
import { cloudTextMessage, wamid } from '@/test/fake-graph-server';
import { scaled } from '@/test/faults-scale';
import { dialOk } from '@/test/http-client';
import { HARD_FACTOR } from './buffer-limit';

// Issue 9, "Slow consumer": a client that stops reading must not grow the server's memory without
// bound. This one stops reading its TCP socket but keeps answering pings blindly (so the
// heartbeat never ends it), while the workspace gets tens of megabytes of events. The server
// must close it once SOCKET_MAX_BUFFERED_BYTES wait for it, count that in /api/metrics, never
// hold more than the limit (plus the packet that crossed it) for it, and keep serving a client
// that reads.

const LIMIT = 1024 * 1024;
const BODY = 'x'.repeat(60_000);
const PER_DELIVERY = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface EngineTransport {
  ws: { _socket: NetSocket; send(data: string): void };
}

describe('slow consumer', () => {
  let inbox: CloudInbox;

  beforeAll(async () => {
    inbox = await startCloudInbox({ env: { SOCKET_MAX_BUFFERED_BYTES: String(LIMIT) } });
  });
  afterAll(async () => {
    await inbox?.close();
  });

  const metrics = async () => parseMetrics(await (await fetch(`${inbox.server.url}/api/metrics`)).text());
  const metric = (m: Map<string, number>, name: string) => [...m].find(([k]) => k.startsWith(name))?.[1];

  it('disconnects a client that stops reading once its buffer reaches the limit; a reading client gets everything', async () => {
    const reader = (await dialOk(inbox.server.url, { cookie: inbox.owner.client.cookie })).socket;
    // This one reconnects on its own, like the browser's.
    const stalled: Socket = io(inbox.server.url, { transports: ['websocket'], extraHeaders: { cookie: inbox.owner.client.cookie! } });
    await new Promise((resolve) => stalled.once('connected', resolve));
    const received = new Set<string>();
    reader.on('new_message', (p: { message: { externalId: string | null } }) => {
      if (p.message.externalId) received.add(p.message.externalId);
    });
    let stalledDisconnected = false;
    stalled.on('disconnect', () => (stalledDisconnected = true));

    // Stop reading; answer pings without reading them, as a hostile or wedged client might.
    const transport = stalled.io.engine.transport as unknown as EngineTransport;
    transport.ws._socket.pause();
    const pong = setInterval(() => transport.ws.send('3'), 2_000);

    const messages = scaled(800, 600);
    const ids: string[] = [];
    let rejected = 0;
    try {
      for (let sent = 0; sent < messages; sent += PER_DELIVERY) {
        const batch = Array.from({ length: PER_DELIVERY }, (_, i) => {
          const id = wamid();
          ids.push(id);
          return cloudTextMessage({ from: `1555600${String((sent + i) % 40).padStart(4, '0')}`, id, text: BODY });
        });
        const status = await inbox.deliver(batch);
        if (status !== 200) rejected += batch.length;
      }
      expect(rejected).toBe(0);

      // The reader gets every message; the server closed the stalled client.
      const deadline = Date.now() + 30_000;
      while (received.size < ids.length && Date.now() < deadline) await sleep(50);
      expect(ids.filter((id) => !received.has(id))).toEqual([]);

      const m = await metrics();
      expect(metric(m, 'parley_slow_consumer_disconnects_total')).toBe(1);
      expect(metric(m, 'parley_socket_buffered_bytes_limit')).toBe(LIMIT);
      const peak = metric(m, 'parley_socket_buffered_bytes_peak')!;
      // Bounded: at most HARD_FACTOR × the limit, plus the one event that crossed it (~60 kB).
      expect(peak).toBeGreaterThan(LIMIT);
      expect(peak).toBeLessThan(HARD_FACTOR * LIMIT + 128 * 1024);

      // The client learns it was disconnected (at once, or once it reads again), and reconnects:
      // as a new connection (no recovery replay that would overflow again), and stays connected.
      clearInterval(pong);
      transport.ws._socket.resume();
      const back = Date.now() + 15_000;
      while (!(stalledDisconnected && stalled.connected) && Date.now() < back) await sleep(50);
      expect(stalledDisconnected).toBe(true);
      expect(stalled.connected).toBe(true);
      expect(stalled.recovered).toBe(false);
      expect(metric(await metrics(), 'parley_slow_consumer_disconnects_total')).toBe(1);

      const megabytes = (ids.length * BODY.length) / 1024 / 1024;
      console.log(
        `[faults] slow consumer: ${ids.length} messages (${megabytes.toFixed(0)} MB of events) tried, 0 rejected, ${received.size} delivered to the reading client, ` +
          `0 lost; stalled client disconnected at ${peak} buffered bytes (limit ${LIMIT})`,
      );
    } finally {
      clearInterval(pong);
      reader.close();
      stalled.close();
    }
  });
});
