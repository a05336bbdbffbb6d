import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, vi } from 'vitest';
import { FAKE_DISPLAY_PHONE, FAKE_VERIFIED_NAME, startFakeGraph, type FakeGraph } from '@/test/fake-graph-server';
import { type Account, signUpAccount } from '@/test/http-client';
import { type RunningServer, startServer } from '@/test/spawn-server';
import { createPostgresDatabase, type TestDatabase } from '@/test/test-db';

// The world every abuse test attacks: a production server on its own PostgreSQL database (so the
// tests can count rows from outside while it runs), workspace A full of secrets — a QR code on
// screen, a linked phone, a contact's number and message, a Cloud API bot, a pending invitation —
// and workspace B, whose owner is the attacker. The simulator and the fake Graph API stand in for
// WhatsApp at its network edge.

export const A_PHONE = '15550001111';
export const A_CONTACT_PHONE = '15557770042';
export const A_CONTACT_NAME = 'Carla Confidential';
export const A_MESSAGE = 'Secret order 4711 ships to Elm Street';
export const A_CLOUD_PHONE_ID = '106540352242922';
export const CLOUD_ACCESS_TOKEN = 'EAAG-abuse-test-access-token';

export interface AbuseWorld {
  server: RunningServer;
  database: TestDatabase;
  graph: FakeGraph;
  url: string;
  appSecret: string;
  workerSecret: string;
  /** The Meta app secret of A's Cloud API bot (signs its webhook deliveries). */
  metaSecretA: string;
  a: Account;
  aEmail: string;
  b: Account;
  bEmail: string;
  password: string;
  /** A's bots: one linked (CONNECTED with a phone), one showing a QR code, one on the Cloud API. */
  linkedBot: { id: string; sessionId: string };
  qrBot: { id: string; qrCode: string };
  cloudBot: { id: string };
  conversationId: string;
  messageId: string;
  inviteId: string;
  inviteToken: string;
  /** Strings of A's that must never reach B: QR code, phone numbers, message, names, emails, invite token. */
  secrets: string[];
  /** Rows per table, read from PostgreSQL directly. */
  counts(): Promise<Record<string, number>>;
  /** One SQL query on the server's database. */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct-horse';

export async function startAbuseWorld(env: Record<string, string> = {}): Promise<AbuseWorld> {
  const graph = await startFakeGraph({
    accessToken: CLOUD_ACCESS_TOKEN,
    phoneNumbers: { [A_CLOUD_PHONE_ID]: { displayPhoneNumber: FAKE_DISPLAY_PHONE, verifiedName: FAKE_VERIFIED_NAME } },
  });
  const database = await createPostgresDatabase();
  const appSecret = randomBytes(32).toString('hex');
  const workerSecret = randomBytes(32).toString('hex');
  const metaSecretA = randomBytes(16).toString('hex');
  const server = await startServer({
    mode: 'production',
    env: {
      APP_SECRET: appSecret,
      DATABASE_URL: database.url,
      WHATSAPP_ENGINE: 'simulator',
      // The QR stays on screen for the whole run: B must never see it.
      SIMULATOR_QR_FIRST_MS: '600000',
      SIMULATOR_QR_NEXT_MS: '600000',
      WORKER_WEBHOOK_SECRET: workerSecret,
      WHATSAPP_GRAPH_URL: graph.url,
      SEND_MIN_INTERVAL_MS: '0',
      SIGN_UP_PER_IP_LIMIT: '1000',
      ...env,
    },
  });
  const url = server.url;
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<T>(sql, params)).rows;

  const aEmail = `alice-${randomBytes(3).toString('hex')}@a.example`;
  const bEmail = `bob-${randomBytes(3).toString('hex')}@b.example`;
  const a = await signUpAccount(url, aEmail, 'Alice Secretkeeper');
  const b = await signUpAccount(url, bEmail, 'Bob Outsider');

  const createBot = async (body: Record<string, unknown>) => {
    const res = await a.client.json<{ id: string; sessionId: string }>('POST', '/api/v1/bots', body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const waitForQr = (botId: string) =>
    vi.waitFor(
      async () => {
        const s = await a.client.json<{ status: string; qrCode?: string }>('GET', `/api/v1/whatsapp/session-status/${botId}`);
        if (!s.body.qrCode) throw new Error(`no QR yet: ${s.body.status}`);
        return s.body.qrCode;
      },
      { timeout: 15_000, interval: 100 },
    );

  // Linked: QR → the simulated phone scans → CONNECTED with A's number; a contact writes in.
  const linked = await createBot({ name: 'A linked bot' });
  expect((await a.client.json('POST', `/api/v1/bots/${linked.id}/connect`, { method: 'qr' })).status).toBe(202);
  await waitForQr(linked.id);
  expect((await a.client.json('POST', `/api/dev/simulator/bots/${linked.id}/scan`, { phoneNumber: A_PHONE, displayName: 'Alice phone' })).status).toBe(200);
  const linkedBot = await vi.waitFor(
    async () => {
      const bot = await a.client.json<{ status: string; sessionId: string }>('GET', `/api/v1/bots/${linked.id}`);
      if (bot.body.status !== 'CONNECTED') throw new Error(bot.body.status);
      return { id: linked.id, sessionId: bot.body.sessionId };
    },
    { timeout: 15_000, interval: 100 },
  );
  const said = await a.client.json('POST', `/api/dev/simulator/bots/${linked.id}/messages`, { from: A_CONTACT_PHONE, name: A_CONTACT_NAME, text: A_MESSAGE });
  expect(said.status).toBe(202);
  const conversationId = await vi.waitFor(
    async () => {
      const list = await a.client.json<{ conversations: { id: string }[] }>('GET', `/api/v1/conversations?workspaceId=${a.workspaceId}`);
      const id = list.body.conversations[0]?.id;
      if (!id) throw new Error('no conversation yet');
      return id;
    },
    { timeout: 15_000, interval: 100 },
  );
  const thread = await a.client.json<{ messages: { id: string; body: string }[] }>('GET', `/api/v1/conversations/${conversationId}/messages`);
  const messageId = thread.body.messages.find((m) => m.body === A_MESSAGE)!.id;

  // A QR code on screen.
  const qr = await createBot({ name: 'A QR bot' });
  expect((await a.client.json('POST', `/api/v1/bots/${qr.id}/connect`, { method: 'qr' })).status).toBe(202);
  const qrCode = await waitForQr(qr.id);

  // A Cloud API bot (credentials checked with the fake Graph API).
  const cloud = await createBot({ name: 'A cloud bot', channel: 'cloud_api' });
  const linkedCloud = await a.client.json('PUT', `/api/v1/bots/${cloud.id}/cloud-api`, {
    phoneNumberId: A_CLOUD_PHONE_ID,
    accessToken: CLOUD_ACCESS_TOKEN,
    appSecret: metaSecretA,
    verifyToken: 'a-verify-token-abuse',
  });
  expect(linkedCloud.status).toBe(200);

  // A pending invitation (its link is a credential).
  const invited = await a.client.json<{ invite: { id: string }; path: string }>('POST', `/api/v1/workspaces/${a.workspaceId}/invites`, {
    email: 'carol@a.example',
    role: 'agent',
  });
  expect(invited.status).toBe(201);
  const inviteToken = invited.body.path.split('/').pop()!;

  return {
    server,
    database,
    graph,
    url,
    appSecret,
    workerSecret,
    metaSecretA,
    a,
    aEmail,
    b,
    bEmail,
    password: PASSWORD,
    linkedBot,
    qrBot: { id: qr.id, qrCode },
    cloudBot: { id: cloud.id },
    conversationId,
    messageId,
    inviteId: invited.body.invite.id,
    inviteToken,
    secrets: [qrCode, A_PHONE, A_CONTACT_PHONE, A_CONTACT_NAME, A_MESSAGE, aEmail, 'carol@a.example', inviteToken, metaSecretA, CLOUD_ACCESS_TOKEN],
    query,
    async counts() {
      const tables = await query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name",
      );
      const out: Record<string, number> = {};
      for (const { table_name } of tables) {
        const [row] = await query<{ n: string }>(`select count(*)::text as n from "${table_name}"`);
        out[table_name] = Number(row!.n);
      }
      return out;
    },
    async close() {
      await server.stop();
      await pool.end();
      await graph.close();
      await database.drop();
    },
  };
}

/** The data tables (what a request could store); lease bookkeeping and migrations move on their own. */
export function dataRows(counts: Record<string, number>): Record<string, number> {
  const { session_leases: _l, session_lease_events: _e, __drizzle_migrations: _m, ...rest } = counts;
  return rest;
}

/** /api/health answers ok: the server survived. */
export async function expectHealthy(url: string): Promise<void> {
  const res = await fetch(`${url}/api/health`);
  const body = (await res.json()) as { status: string };
  expect({ status: res.status, health: body.status }).toEqual({ status: 200, health: 'ok' });
}

/** The first string of `secrets` found in `text`, or undefined. */
export function leakedSecret(text: string, secrets: string[]): string | undefined {
  return secrets.find((s) => text.includes(s));
}
