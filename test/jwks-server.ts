import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestKey } from './provider-tokens';

export interface JwksServer {
  url: string;
  /** Replace the published keys (rotation). */
  publish(keys: TestKey[]): void;
  /** Answer with this status instead of the keys (null: back to normal). */
  failWith(status: number | null): void;
  /** Requests served so far, with their Authorization header. */
  requests: { authorization?: string }[];
  close(): Promise<void>;
}

/** A local stand-in for Google's (or Clerk's) key server, on port 0. */
export async function startJwksServer(keys: TestKey[]): Promise<JwksServer> {
  let published = keys;
  let failure: number | null = null;
  const requests: { authorization?: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({ authorization: req.headers.authorization });
    if (failure !== null) {
      res.writeHead(failure).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    publish: (next) => void (published = next),
    failWith: (status) => void (failure = status),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
