import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

// A client that stops reading (a stalled network, a frozen tab, a hostile client that answers
// pings blindly) leaves every event meant for it in server memory: engine.io queues packets while
// the transport is not writable, and the WebSocket keeps what the kernel would not take. Nothing
// bounds either. So each connection counts the bytes waiting for it and is closed when they stay
// above the limit (a burst that a reading client drains, such as the replay of a recovered
// connection, is fine) or reach HARD_FACTOR × the limit at any moment.

/** How long the bytes waiting for one client may stay above the limit. */
export const STALL_MS = 2_000;
/** Past this many times the limit a connection is closed at once. */
export const HARD_FACTOR = 4;

export interface BufferLimitStats {
  /** Connections closed for not reading. */
  disconnects: number;
  /** The most bytes seen waiting for one connection. */
  peakBytes: number;
  readonly limitBytes: number;
}

interface EnginePacket {
  data?: unknown;
}

/** The parts of an engine.io socket this needs (engine.io is socket.io's, not ours to import). */
export interface EngineConnection extends EventEmitter {
  id: string;
  readyState: string;
  writeBuffer: EnginePacket[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

function packetBytes(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** Bytes the WebSocket holds for the kernel (0 for HTTP long-polling, whose queue is engine.io's). */
function socketBytes(conn: EngineConnection): number {
  return conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
}

export function createBufferStats(limitBytes: number): BufferLimitStats {
  return { disconnects: 0, peakBytes: 0, limitBytes };
}

/**
 * Watches one authenticated connection. `disconnect` must end it without connection state
 * recovery (a recovered connection would get everything it missed replayed, overflow again, and
 * loop); the engine connection is then closed without waiting for a drain that never comes.
 */
export function limitBufferedBytes(
  conn: EngineConnection,
  opts: { stats: BufferLimitStats; log: Logger; disconnect: () => void; now?: () => number },
): void {
  const { stats } = opts;
  const limit = stats.limitBytes;
  const now = opts.now ?? Date.now;
  // Bytes in engine.io's write buffer (a recovered connection's replay is already there): added
  // when a packet is queued, gone when flushed to the transport, where bufferedAmount counts them.
  let queued = conn.writeBuffer.reduce((n, p) => n + packetBytes(p), 0);
  let overSince: number | null = null;
  let closing = false;
  conn.on('flush', (packets: EnginePacket[]) => {
    for (const p of packets) queued -= packetBytes(p);
    if (queued < 0) queued = 0;
  });
  conn.on('packetCreate', (packet: EnginePacket) => {
    if (closing || conn.readyState !== 'open') return;
    queued += packetBytes(packet);
    const total = queued + socketBytes(conn);
    if (total > stats.peakBytes) stats.peakBytes = total;
    if (total <= limit) {
      overSince = null;
      return;
    }
    overSince ??= now();
    if (total <= HARD_FACTOR * limit && now() - overSince < STALL_MS) return;
    closing = true;
    stats.disconnects++;
    opts.log.warn({ engineId: conn.id, bufferedBytes: total, limit, transport: conn.transport.name }, 'client stopped reading; closing its connection');
    const ws = conn.transport.socket;
    opts.disconnect();
    // Not a graceful close: that waits for the buffer to drain, which is what never happens.
    conn.close(true);
    if (typeof ws?.terminate === 'function') ws.terminate();
    queued = 0;
  });
}
