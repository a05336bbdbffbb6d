import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createBufferStats, HARD_FACTOR, limitBufferedBytes, STALL_MS, type EngineConnection } from './buffer-limit';

// The per-connection send-buffer limit on a stand-in engine.io connection: packets queue while
// the transport is not writable, `flush` hands them to the WebSocket (bufferedAmount).

class FakeConnection extends EventEmitter {
  id = 'engine-1';
  readyState = 'open';
  writeBuffer: { data?: unknown }[] = [];
  transport = { name: 'websocket', socket: { bufferedAmount: 0, terminated: false, terminate() { this.terminated = true; } } };
  closed: boolean[] = [];
  close(discard?: boolean) {
    this.closed.push(Boolean(discard));
    this.readyState = 'closed';
  }
  /** engine.io's sendPacket: packetCreate, then queued. */
  send(bytes: number) {
    const packet = { data: 'x'.repeat(bytes) };
    this.emit('packetCreate', packet);
    if (this.readyState === 'open') this.writeBuffer.push(packet);
  }
  /** The transport took everything queued; the socket still holds `held` bytes of it. */
  flush(held: number) {
    const packets = this.writeBuffer;
    this.writeBuffer = [];
    this.emit('flush', packets);
    this.transport.socket.bufferedAmount = held;
  }
}

const LIMIT = 100_000;

function setup(conn = new FakeConnection()) {
  let now = 0;
  const stats = createBufferStats(LIMIT);
  let disconnects = 0;
  limitBufferedBytes(conn as unknown as EngineConnection, {
    stats,
    log: pino({ level: 'silent' }),
    disconnect: () => {
      disconnects++;
      // socket.io's disconnect sends a packet: it must not count twice.
      conn.send(10);
    },
    now: () => now,
  });
  return { conn, stats, advance: (ms: number) => (now += ms), disconnects: () => disconnects };
}

describe('limitBufferedBytes', () => {
  it('leaves a client that keeps up alone, however much it is sent', () => {
    const { conn, stats, disconnects } = setup();
    for (let i = 0; i < 1_000; i++) {
      conn.send(50_000);
      conn.flush(0);
    }
    expect(disconnects()).toBe(0);
    expect(stats.disconnects).toBe(0);
    expect(stats.peakBytes).toBe(50_000);
  });

  it('tolerates a burst above the limit that drains within STALL_MS', () => {
    const { conn, stats, advance } = setup();
    for (let i = 0; i < 3; i++) conn.send(50_000);
    advance(STALL_MS - 1);
    conn.flush(0);
    conn.send(1_000);
    advance(STALL_MS);
    conn.send(1_000);
    expect(stats.disconnects).toBe(0);
    expect(stats.peakBytes).toBe(150_000);
  });

  it('closes a client whose buffer stays above the limit for STALL_MS, once, without waiting for a drain', () => {
    const { conn, stats, advance, disconnects } = setup();
    conn.send(60_000);
    conn.flush(60_000); // in the socket, never read
    conn.send(60_000);
    advance(STALL_MS - 1);
    conn.send(1_000);
    expect(stats.disconnects).toBe(0);
    advance(1);
    conn.send(1_000);
    expect(stats.disconnects).toBe(1);
    expect(disconnects()).toBe(1);
    expect(conn.closed).toEqual([true]);
    expect(conn.transport.socket.terminated).toBe(true);
    conn.send(1_000);
    expect(stats.disconnects).toBe(1);
  });

  it(`closes at once past ${HARD_FACTOR}× the limit`, () => {
    const { conn, stats } = setup();
    for (let i = 0; i < HARD_FACTOR * 10; i++) conn.send(10_000);
    expect(stats.disconnects).toBe(0);
    conn.send(1);
    expect(stats.disconnects).toBe(1);
    expect(stats.peakBytes).toBe(HARD_FACTOR * LIMIT + 1);
  });

  it('counts what was queued before it started watching (a recovered connection\'s replay)', () => {
    const conn = new FakeConnection();
    conn.writeBuffer = [{ data: 'x'.repeat(HARD_FACTOR * LIMIT) }];
    const { stats } = setup(conn);
    conn.send(1);
    expect(stats.disconnects).toBe(1);
  });
});
