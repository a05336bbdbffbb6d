import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handleClientError } from './client-error';

// A request line over Node's header limit, sent while the server already refuses it: the client
// must read the refusal, never a reset, however the race between its write and the close goes.

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function start(withHandler: boolean): Promise<string> {
  server = createServer((_req, res) => res.end('ok'));
  if (withHandler) server.on('clientError', handleClientError);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function hammer(url: string, requests: number): Promise<Record<string, number>> {
  const pad = 'q'.repeat(1_000_000);
  const seen: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next++ < requests) {
        let key: string;
        try {
          const res = await fetch(`${url}/api/v1/bots?pad=${pad}`);
          key = `${res.status} ${(await res.json().catch(() => ({}))).error?.code ?? 'no error body'}`;
        } catch (err) {
          key = String((err as { cause?: { code?: string } }).cause?.code ?? err);
        }
        seen[key] = (seen[key] ?? 0) + 1;
      }
    }),
  );
  return seen;
}

/** A client on a slow link: the request line goes out in 64 KB pieces, and it keeps sending after the refusal. */
function slowOversizedRequest(url: string): Promise<{ reply: string; error?: string }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    // Half-open: the server's FIN does not stop it sending, as with a client mid-upload.
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    const head = `GET /api/v1/bots?pad=${'q'.repeat(1_000_000)} HTTP/1.1\r\nHost: x\r\n\r\n`;
    let reply = '';
    let error: string | undefined;
    let offset = 0;
    const send = () => {
      if (socket.destroyed) return;
      if (offset >= head.length) return void socket.end();
      socket.write(head.slice(offset, (offset += 64 * 1024)));
      setTimeout(send, 5);
    };
    socket.on('connect', send);
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', (err: Error & { code?: string }) => (error = err.code ?? err.message));
    socket.on('close', () => resolve({ reply, error }));
  });
}

describe('handleClientError', () => {
  it('answers 431 with an error body and reads on until the client is done: no reset for a client still sending', async () => {
    const url = await start(true);
    const { reply, error } = await slowOversizedRequest(url);
    expect(error).toBeUndefined();
    expect(reply).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(reply).toContain('"code":"bad_request"');
  });

  it('answers every one of many concurrent oversized requests, and still serves ordinary ones', async () => {
    const url = await start(true);
    expect(await hammer(url, 60)).toEqual({ '431 bad_request': 60 });
    expect(await (await fetch(`${url}/`)).text()).toBe('ok');
  });

  it('answers 400 to a request that is not HTTP, and closes', async () => {
    const url = await start(true);
    const { port } = new URL(url);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toContain('"code":"bad_request"');
  });
});
