import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_PHONE_NUMBER_ID, startFakeGraph, type FakeGraph } from '@/test/fake-graph-server';
import { getCloudPhoneNumber, GraphError, sendCloudText } from './graph-client';

const TOKEN = 'EAAG-test-access-token-0123456789';
let graph: FakeGraph;

beforeAll(async () => {
  graph = await startFakeGraph({ accessToken: TOKEN });
});
afterAll(() => graph.close());
beforeEach(() => graph.reset());

const call = () => ({ baseUrl: graph.url, phoneNumberId: FAKE_PHONE_NUMBER_ID, accessToken: TOKEN });

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

describe('sendCloudText', () => {
  it('posts a text message with the bearer token and returns WhatsApp’s message id', async () => {
    const { externalId } = await sendCloudText({ ...call(), to: '4915112345678', text: 'Hello there https://example.com' });
    expect(externalId).toMatch(/^wamid\./);
    expect(graph.sentMessages()).toEqual([{ phoneNumberId: FAKE_PHONE_NUMBER_ID, to: '4915112345678', text: 'Hello there https://example.com', id: externalId }]);
    const [req] = graph.requests;
    expect(req).toMatchObject({ method: 'POST', path: `/v21.0/${FAKE_PHONE_NUMBER_ID}/messages` });
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '4915112345678',
      type: 'text',
      text: { body: 'Hello there https://example.com', preview_url: false },
    });
  });

  it('a rejected token is not transient, and its message never contains the token', async () => {
    const err = await graphError(sendCloudText({ ...call(), accessToken: 'EAAG-wrong-token-9876543210', to: '1', text: 'x' }));
    expect(err).toMatchObject({ transient: false, status: 401, code: 190 });
    expect(err.message).toMatch(/access token/i);
    expect(err.message).not.toContain('EAAG-wrong-token');
  });

  it('Graph echoing the token back is scrubbed', async () => {
    graph.failNext(1, 400, { message: `Invalid OAuth access token - Cannot parse access token: ${TOKEN}`, code: 190 });
    const err = await graphError(sendCloudText({ ...call(), to: '1', text: 'x' }));
    expect(err.transient).toBe(false);
    expect(err.message).toContain('Cannot parse access token');
    expect(err.message).not.toContain(TOKEN);
  });

  it('other 4xx answers are not transient and carry Graph’s message', async () => {
    graph.failNext(1, 400, { message: '(#131030) Recipient phone number not in allowed list', code: 131030 });
    const err = await graphError(sendCloudText({ ...call(), to: '1', text: 'x' }));
    expect(err).toMatchObject({ transient: false, status: 400, code: 131030, message: '(#131030) Recipient phone number not in allowed list' });
  });

  it('5xx and 429 are transient', async () => {
    graph.failNext(1, 500);
    expect(await graphError(sendCloudText({ ...call(), to: '1', text: 'x' }))).toMatchObject({ transient: true, status: 500 });
    graph.failNext(1, 503);
    expect(await graphError(sendCloudText({ ...call(), to: '1', text: 'x' }))).toMatchObject({ transient: true, status: 503 });
    graph.failNext(1, 429);
    expect(await graphError(sendCloudText({ ...call(), to: '1', text: 'x' }))).toMatchObject({ transient: true, status: 429, code: 130429 });
    // Throughput limits can come back as a 400 with Graph's rate-limit code.
    graph.failNext(1, 400, { code: 130429, message: '(#130429) Rate limit hit' });
    expect(await graphError(sendCloudText({ ...call(), to: '1', text: 'x' }))).toMatchObject({ transient: true, status: 400 });
    expect(graph.sentMessages()).toEqual([]);
    // And the next call goes through again.
    await expect(sendCloudText({ ...call(), to: '1', text: 'x' })).resolves.toMatchObject({ externalId: expect.stringMatching(/^wamid\./) });
  });

  it('a Graph that does not answer in time is transient', async () => {
    graph.delayNext(1, 2_000);
    const err = await graphError(sendCloudText({ ...call(), to: '1', text: 'x', timeoutMs: 200 }));
    expect(err).toMatchObject({ transient: true, status: undefined });
    expect(err.message).toMatch(/did not answer in time/);
  });

  it('a Graph that cannot be reached is transient', async () => {
    const closed = await unusedPort();
    const err = await graphError(sendCloudText({ ...call(), baseUrl: `http://127.0.0.1:${closed}/v21.0`, to: '1', text: 'x' }));
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(/Could not reach/);
    expect(err.message).not.toContain(TOKEN);
  });

  it('a non-JSON error page still maps by status', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const err = await graphError(sendCloudText({ ...call(), baseUrl: `http://127.0.0.1:${port}`, to: '1', text: 'x' }));
      expect(err).toMatchObject({ transient: true, status: 502, message: 'HTTP 502' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('getCloudPhoneNumber', () => {
  it('returns the number as digits and the verified name', async () => {
    expect(await getCloudPhoneNumber(call())).toEqual({ phoneNumber: '15550102000', displayName: 'Parley Test Business' });
    expect(graph.requests[0]).toMatchObject({ method: 'GET', path: `/v21.0/${FAKE_PHONE_NUMBER_ID}?fields=display_phone_number,verified_name` });
    expect(graph.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('an unknown phone number id is a non-transient error from Graph', async () => {
    const err = await graphError(getCloudPhoneNumber({ ...call(), phoneNumberId: '999999999' }));
    expect(err).toMatchObject({ transient: false, status: 400, code: 100 });
    expect(err.message).toMatch(/does not exist/);
  });

  it('a wrong token is non-transient; a Graph outage is transient', async () => {
    expect(await graphError(getCloudPhoneNumber({ ...call(), accessToken: 'EAAG-nope-nope-nope-nope' }))).toMatchObject({ transient: false, status: 401 });
    graph.failNext(1, 500);
    expect(await graphError(getCloudPhoneNumber(call()))).toMatchObject({ transient: true, status: 500 });
  });
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
