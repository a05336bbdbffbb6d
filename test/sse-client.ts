import { vi } from 'vitest';

/** One parsed Server-Sent Events block (comments are kept apart). */
export interface SseFrame {
  id?: number;
  event?: string;
  data?: Record<string, unknown>;
  retry?: number;
}

export interface SseStream {
  res: Response;
  frames: SseFrame[];
  comments: string[];
  /** Aborts the request, as a closing browser tab would. */
  close(): void;
  /** Whether the server has ended the stream. */
  ended(): boolean;
  waitFor(pred: (f: SseFrame) => boolean, timeout?: number): Promise<SseFrame>;
}

/** Opens an SSE stream with fetch and parses it in the background as it arrives. */
export async function openSse(
  url: string,
  opts: { cookie?: string; token?: string; lastEventId?: number } = {},
): Promise<SseStream> {
  const ctrl = new AbortController();
  const res = await fetch(url, {
    headers: {
      accept: 'text/event-stream',
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.lastEventId !== undefined ? { 'last-event-id': String(opts.lastEventId) } : {}),
    },
    signal: ctrl.signal,
  });
  const frames: SseFrame[] = [];
  const comments: string[] = [];
  let serverEnded = false;
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            serverEnded = true;
            return;
          }
          buf += decoder.decode(value, { stream: true });
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const frame: SseFrame = {};
            let fields = 0;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) {
                comments.push(line);
                continue;
              }
              fields++;
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id') frame.id = Number(value);
              else if (field === 'event') frame.event = value;
              else if (field === 'data') frame.data = JSON.parse(value) as Record<string, unknown>;
              else if (field === 'retry') frame.retry = Number(value);
            }
            if (fields > 0) frames.push(frame);
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    res,
    frames,
    comments,
    close: () => ctrl.abort(),
    ended: () => serverEnded,
    waitFor: (pred, timeout = 4_000) =>
      vi.waitFor(
        () => {
          const hit = frames.find(pred);
          if (!hit) throw new Error(`no matching SSE frame yet; have ${frames.map((f) => `${f.id}:${f.event}`).join(' ') || 'none'}`);
          return hit;
        },
        { timeout, interval: 10 },
      ),
  };
}
