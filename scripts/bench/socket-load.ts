// Load generator for the `sockets` benchmark: one child process holding many authenticated
// socket.io clients. The parent (sockets.ts) spawns several of these so that no single event loop
// (or fd limit) on the client side is what is measured.
//   argv: <url> <count> <concurrency>; the session cookie comes in BENCH_COOKIE (not argv: `ps`).
//   stdout: one JSON object per line ({type: 'connected' | 'got' | 'receipts' | 'closed' | 'error', …});
//   stdin:  one JSON command per line ({cmd: 'watch', name} | {cmd: 'receipts', name} | {cmd: 'close'}).
// Every loop is bounded: `count` sockets, a connect timeout per socket, and the parent's deadlines.
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';

const [url, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg ?? 64);
const cookie = process.env.BENCH_COOKIE ?? '';
const CONNECT_TIMEOUT_MS = 30_000;

const send = (msg: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(msg)}\n`);
if (!url || !Number.isInteger(count) || count < 1) {
  send({ type: 'error', message: `usage: socket-load <url> <count> <concurrency> (got ${process.argv.slice(2).join(' ')})` });
  process.exit(2);
}

const sockets: Socket[] = [];
/** Receipt wall-clock times per broadcast name (same machine clock as the parent's send time). */
const receipts = new Map<string, number[]>();
let unexpectedDisconnects = 0;
let closing = false;

function connectOne(): Promise<{ ok: true; ms: number } | { ok: false; message: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = io(url!, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
      extraHeaders: { cookie },
    });
    const timer = setTimeout(() => {
      socket.close();
      resolve({ ok: false, message: 'timeout' });
    }, CONNECT_TIMEOUT_MS);
    // `connected` is Parley's greeting, sent after the auth middleware accepted the cookie.
    socket.once('connected', () => {
      clearTimeout(timer);
      sockets.push(socket);
      socket.on('bot_status_update', (p: { name: string }) => {
        const list = receipts.get(p.name);
        if (!list) return;
        list.push(Date.now());
        if (list.length === sockets.length) send({ type: 'got', name: p.name, count: list.length });
      });
      socket.on('disconnect', () => {
        if (!closing) unexpectedDisconnects++;
      });
      resolve({ ok: true, ms: performance.now() - t0 });
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      resolve({ ok: false, message: err.message });
    });
  });
}

async function connectAll(): Promise<void> {
  const started = Date.now();
  const connectMs: number[] = [];
  const errors = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const r = await connectOne();
      if (r.ok) connectMs.push(r.ms);
      else errors.set(r.message, (errors.get(r.message) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  send({ type: 'connected', ok: connectMs.length, failed: count - connectMs.length, errors: Object.fromEntries(errors), started, finished: Date.now(), connectMs });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line) as { cmd: string; name?: string };
  if (msg.cmd === 'watch') receipts.set(msg.name!, []);
  else if (msg.cmd === 'receipts') send({ type: 'receipts', name: msg.name, times: receipts.get(msg.name!) ?? [], unexpectedDisconnects, open: sockets.filter((s) => s.connected).length });
  else if (msg.cmd === 'close') {
    closing = true;
    for (const s of sockets) s.close();
    send({ type: 'closed' });
    setTimeout(() => process.exit(0), 100);
  }
});
// The parent went away: do not linger holding thousands of sockets.
process.stdin.on('end', () => process.exit(0));

void connectAll();
