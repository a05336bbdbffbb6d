// Benchmark (issue 7): a client loses its connection for ~10 s while N messages arrive, then
// comes back. Reproduces the browser's path with a socket.io-client in Node: the connection
// store keeps its Socket.IO session id and offset, so the reconnect asks the server for
// connection state recovery (every missed `new_message` replayed); when the server cannot
// recover (`socket.recovered === false`) the tab revalidates over REST instead, and so does
// this client. Lost = inbound messages the database has (read back over REST) that the client
// never got by either path. Messages are real signed Cloud API webhooks against a fake Graph API.
import { randomBytes } from 'node:crypto';
import { Client, dialOk } from '@/test/http-client';
import { FAKE_PHONE_NUMBER_ID, cloudTextMessage, signWebhook, startFakeGraph, wamid, webhookFor } from '@/test/fake-graph-server';
import { startServer } from '@/test/spawn-server';

export interface CatchUpResult {
  messages: number;
  contacts: number;
  /** Disconnect → reconnect attempt (ms): at least the requested offline time, more if posting took longer. */
  offlineMs: number;
  /** Webhooks answered 200 while the client was away. */
  accepted: number;
  /** Whether the server replayed the missed events (connection state recovery). */
  recovered: boolean;
  /** Missed messages that arrived as replayed events vs. fetched over REST (the fallback). */
  replayed: number;
  refetched: number;
  /** Inbound messages of this run in the database (REST, warm-up included). */
  stored: number;
  /** … of which the client does not have: must be 0. */
  lost: number;
  /** reconnect attempt → every missed message in hand (ms). */
  catchUpMs: number;
  /** reconnect attempt → Parley's `connected` greeting (ms). */
  reconnectMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RestMessage {
  id: string;
  body: string | null;
  direction: 'in' | 'out';
}

/** Every inbound message of the run's conversations, as the REST API has them (the browser's revalidation). */
async function restMessages(client: Client, botId: string, marker: string): Promise<RestMessage[]> {
  const out: RestMessage[] = [];
  const list = await client.json<{ conversations: { id: string }[] }>('GET', `/api/v1/conversations?botId=${botId}&status=all&limit=100`);
  if (list.status !== 200) throw new Error(`listing conversations failed: ${list.status}`);
  for (const c of list.body.conversations) {
    let before: number | null | undefined;
    // Bounded: 500 messages at 200 a page is 3 pages; 100 pages is far beyond any run.
    for (let page = 0; page < 100; page++) {
      const q = before ? `?limit=200&before=${before}` : '?limit=200';
      const res = await client.json<{ messages: RestMessage[]; nextBefore: number | null }>('GET', `/api/v1/conversations/${c.id}/messages${q}`);
      if (res.status !== 200) throw new Error(`reading messages failed: ${res.status}`);
      out.push(...res.body.messages.filter((m) => m.direction === 'in' && m.body?.startsWith(marker)));
      before = res.body.nextBefore;
      if (!before) break;
    }
  }
  return out;
}

export async function catchUpBench(opts: { messages: number; offlineMs: number; contacts?: number; concurrency?: number }): Promise<CatchUpResult> {
  const contacts = opts.contacts ?? 5;
  const concurrency = opts.concurrency ?? 8;
  const accessToken = `EAAG${randomBytes(24).toString('hex')}`;
  const appSecret = randomBytes(16).toString('hex');
  const graph = await startFakeGraph({ accessToken });
  const server = await startServer({ mode: 'production', env: { WHATSAPP_GRAPH_URL: graph.url, LOG_LEVEL: 'warn' } });
  try {
    const client = new Client(server.url);
    const signUp = await client.json('POST', '/api/v1/auth/sign-up', { email: `catch-up-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' });
    if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status}`);
    const bot = await client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Catch-up bot', channel: 'cloud_api' });
    const botId = bot.body.id;
    const link = await client.json('PUT', `/api/v1/bots/${botId}/cloud-api`, { phoneNumberId: FAKE_PHONE_NUMBER_ID, accessToken, appSecret, verifyToken: 'bench-verify-token' });
    if (link.status !== 200) throw new Error(`linking the Cloud API bot failed: ${link.status} ${JSON.stringify(link.body)}`);

    const marker = `catch-up-${randomBytes(3).toString('hex')}-`;
    const post = async (from: string, text: string) => {
      const raw = JSON.stringify(webhookFor(FAKE_PHONE_NUMBER_ID, cloudTextMessage({ from, id: wamid(), text })));
      const res = await fetch(`${server.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(appSecret, raw) },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status;
    };
    const contact = (i: number) => `1555900${String(i % contacts).padStart(4, '0')}`;

    const { socket } = await dialOk(server.url, { cookie: client.cookie });
    const live = new Set<string>();
    const replayedIds = new Set<string>();
    let away = false;
    let back = false;
    socket.on('new_message', (p: { message: { id: string; body: string | null; direction: string } }) => {
      if (p.message.direction !== 'in' || !p.message.body?.startsWith(marker)) return;
      if (back) replayedIds.add(p.message.id);
      else if (!away) live.add(p.message.id);
    });
    // Warm-up while connected: the conversations exist and the route is loaded.
    for (let i = 0; i < contacts; i++) if ((await post(contact(i), `${marker}warm-up ${i}`)) !== 200) throw new Error('warm-up webhook failed');
    const warmDeadline = Date.now() + 10_000;
    while (live.size < contacts && Date.now() < warmDeadline) await sleep(20);
    if (live.size < contacts) throw new Error(`warm-up: ${live.size}/${contacts} messages reached the client`);

    // The network goes away (not a goodbye: the server keeps the session for recovery).
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    away = true;
    const tDown = performance.now();
    socket.io.engine.close();
    const reason = await gone;
    // Client side the engine was closed under it ('forced close'); the server sees 'transport close'.
    if (reason !== 'forced close' && reason !== 'transport close') throw new Error(`unexpected disconnect reason ${reason}`);

    let accepted = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < opts.messages) {
          const i = next++;
          if ((await post(contact(i), `${marker}${i}`)) === 200) accepted++;
        }
      }),
    );
    const wait = tDown + opts.offlineMs - performance.now();
    if (wait > 0) await sleep(wait);

    // Back online: the same Socket object reconnects, as the tab's does (it carries pid + offset).
    const greeted = new Promise<void>((resolve) => socket.once('connected', () => resolve()));
    const tUp = performance.now();
    const offlineMs = tUp - tDown;
    back = true;
    away = false;
    socket.connect();
    await greeted;
    const reconnectMs = performance.now() - tUp;
    const recovered = socket.recovered === true;

    let refetched = 0;
    const have = new Set([...live, ...replayedIds]);
    if (recovered) {
      // Replayed events arrive right after the handshake; bounded wait for all of them.
      const deadline = performance.now() + 30_000;
      while (replayedIds.size < accepted && performance.now() < deadline) await sleep(5);
      for (const id of replayedIds) have.add(id);
    } else {
      // The tab's fallback: revalidate the lists and threads over REST.
      for (const m of await restMessages(client, botId, marker)) {
        if (!have.has(m.id)) refetched++;
        have.add(m.id);
      }
    }
    const catchUpMs = performance.now() - tUp;

    // The truth: what the database holds for this run, over the same REST API.
    const stored = await restMessages(client, botId, marker);
    const lost = stored.filter((m) => !have.has(m.id)).length;
    socket.close();
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      messages: opts.messages,
      contacts,
      offlineMs: round(offlineMs),
      accepted,
      recovered,
      replayed: replayedIds.size,
      refetched,
      stored: stored.length,
      lost,
      catchUpMs: round(catchUpMs),
      reconnectMs: round(reconnectMs),
    };
  } finally {
    await server.stop();
    await graph.close();
  }
}
