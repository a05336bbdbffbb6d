import type { IncomingMessage, ServerResponse } from 'node:http';

// Mounts real Next.js route handlers (app/api/**/route.ts exports) on a plain node http handler,
// so in-process tests exercise the real wrapper, validation, services and database, the same
// code Next runs, with requests counted per path.

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

export interface RouteServer {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** "GET /api/v1/conversations" style lines, in order (query strings dropped). */
  readonly requests: string[];
  /**
   * The next response to `method path` is held (after the handler has read and answered) until
   * the returned function is called: a slow network between the read and the browser.
   */
  holdNext(method: string, path: string): () => void;
}

/** `routes`: path patterns such as '/api/v1/conversations/[conversationId]/read' → the route module. */
export function createRouteServer(routes: Record<string, RouteModule>, origin: string | (() => string)): RouteServer {
  const table = Object.entries(routes).map(([pattern, mod]) => {
    const names: string[] = [];
    const source = pattern.replace(/\[([^\]]+)\]/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { re: new RegExp(`^${source}$`), names, mod };
  });
  const requests: string[] = [];
  const holds = new Map<string, Promise<void>>();

  async function run(req: IncomingMessage, res: ServerResponse) {
    const base = typeof origin === 'function' ? origin() : origin;
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET') as keyof RouteModule;
    requests.push(`${method} ${url.pathname}`);
    for (const { re, names, mod } of table) {
      const m = re.exec(url.pathname);
      if (!m) continue;
      const handler = mod[method];
      if (!handler) break;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const body = chunks.length && method !== 'GET' ? Buffer.concat(chunks) : undefined;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const response = await handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
      const hold = holds.get(`${method} ${url.pathname}`);
      if (hold) {
        holds.delete(`${method} ${url.pathname}`);
        await hold;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: `No route for ${method} ${url.pathname}` } }));
  }

  return {
    requests,
    holdNext(method, path) {
      let release!: () => void;
      holds.set(`${method} ${path}`, new Promise<void>((r) => (release = r)));
      return () => release();
    },
    handle(req, res) {
      run(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: String(err) } }));
      });
    },
  };
}
