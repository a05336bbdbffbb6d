import type { IncomingMessage, ServerResponse } from 'node:http';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/**
 * Serves an app route module's handlers straight from the custom server, without Next.js's
 * request pipeline (routing, rewrites, caches, tracing, response compression). Only for hot
 * public endpoints: Meta's webhook, where a profile of the ingest benchmark showed Next.js's
 * per-request work costing more than the handler itself. The route file stays the one
 * implementation. Next.js still serves the rest: other methods, and any POST without a declared
 * length up to `maxBody` (chunked or large bodies, whose limits the route enforces while reading).
 */
export function bridgeRoute(opts: {
  module: Partial<Record<'GET' | 'POST', RouteHandler>>;
  /** Next.js, for what the bridge does not serve. */
  fallback: () => Promise<NodeHandler>;
  /** Largest declared POST body the bridge reads into memory itself. */
  maxBody: number;
  /** Response headers Next.js adds to every route (next.config.mjs `headers()`). */
  headers?: () => Promise<[string, string][]>;
}): NodeHandler {
  return async (req, res) => {
    const handler = req.method === 'GET' || req.method === 'POST' ? opts.module[req.method] : undefined;
    const declared = Number(req.headers['content-length'] ?? (req.method === 'GET' ? 0 : NaN));
    if (!handler || !Number.isSafeInteger(declared) || declared < 0 || declared > opts.maxBody) return (await opts.fallback())(req, res);

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    // At most `maxBody` bytes: Node's parser stops at the declared length.
    const body = req.method === 'POST' ? new Uint8Array(await readAll(req)) : undefined;
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method, headers, body });
    const response = await handler(request, { params: Promise.resolve({}) });
    const out = Buffer.from(await response.arrayBuffer());
    for (const [name, value] of (await opts.headers?.()) ?? []) res.setHeader(name, value);
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.setHeader('content-length', out.length);
    res.writeHead(response.status);
    res.end(out);
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
