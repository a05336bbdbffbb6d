import type { Page } from '@playwright/test';

/** One Socket.IO packet as received by the page: `42["event",{…}]` or an ack `43<id>[{…}]`. */
export interface ReceivedFrame {
  at: number;
  raw: string;
  /** The event name for `42` packets, `ack` for `43` packets, null for anything else (pings…). */
  event: string | null;
  args: unknown[];
}

/**
 * Records every WebSocket frame the page receives on `/socket.io/` (what actually reached this
 * browser tab; nothing is read from the app's internals). Call before the first navigation.
 */
export function recordSocketFrames(page: Page) {
  const frames: ReceivedFrame[] = [];
  const sockets: string[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/socket.io/')) return;
    sockets.push(ws.url());
    ws.on('framereceived', ({ payload }) => {
      const raw = typeof payload === 'string' ? payload : payload.toString('utf8');
      frames.push({ at: Date.now(), raw, ...parsePacket(raw) });
    });
  });
  return {
    frames,
    sockets,
    /** Every `qrCode` string in any received payload (events and acks), in arrival order. */
    qrCodes(): string[] {
      const out: string[] = [];
      for (const f of frames) collect(f.args, 'qrCode', out);
      return [...new Set(out)];
    },
  };
}

function parsePacket(raw: string): { event: string | null; args: unknown[] } {
  // Engine.IO "4" (message) + Socket.IO "2" (event) or "3" (ack), an optional ack id, then JSON.
  const m = /^4([23])\d*(\[.*)$/s.exec(raw);
  if (!m) return { event: null, args: [] };
  try {
    const data = JSON.parse(m[2]!) as unknown[];
    if (m[1] === '2') return { event: String(data[0]), args: data.slice(1) };
    return { event: 'ack', args: data };
  } catch {
    return { event: null, args: [] };
  }
}

function collect(value: unknown, key: string, out: string[]) {
  if (Array.isArray(value)) for (const v of value) collect(v, key, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key && typeof v === 'string') out.push(v);
      else collect(v, key, out);
    }
  }
}
