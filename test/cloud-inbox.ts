import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { FAKE_PHONE_NUMBER_ID, signWebhook, startFakeGraph, webhookFor, type CloudWebhookEvent, type FakeGraph } from './fake-graph-server';
import { Client, signUpAccount, type Account } from './http-client';
import type { InboxAgent } from './inbox-agent';
import { startServer, type RunningServer, type StartOptions } from './spawn-server';
import { createPostgresDatabase, type TestDatabase } from './test-db';

// A production server with one Cloud API bot linked through the real credentials endpoint (the
// Graph API faked on loopback), and a signed-webhook poster: inbound traffic exactly as Meta
// delivers it, for the fault suite.

export interface CloudInbox {
  server: RunningServer;
  graph: FakeGraph;
  owner: Account;
  botId: string;
  /** One signed delivery of `events`; resolves with the status (0 when the request failed). */
  deliver(events: CloudWebhookEvent[]): Promise<number>;
  close(): Promise<void>;
}

export async function startCloudInbox(opts: { env?: Record<string, string>; server?: Partial<StartOptions> } = {}): Promise<CloudInbox> {
  const accessToken = `EAAG${randomBytes(24).toString('hex')}`;
  const appSecret = randomBytes(16).toString('hex');
  const graph = await startFakeGraph({ accessToken });
  let server: RunningServer | undefined;
  try {
    server = await startServer({
      mode: 'production',
      ...opts.server,
      env: { WHATSAPP_GRAPH_URL: graph.url, SIGN_UP_PER_IP_LIMIT: '1000', ...opts.env },
    });
    const owner = await signUpAccount(server.url, `owner-${randomBytes(4).toString('hex')}@example.com`, 'Owner');
    const bot = await owner.client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Faults bot', channel: 'cloud_api' });
    if (bot.status !== 201) throw new Error(`creating the bot failed: ${bot.status}`);
    const link = await owner.client.json('PUT', `/api/v1/bots/${bot.body.id}/cloud-api`, {
      phoneNumberId: FAKE_PHONE_NUMBER_ID,
      accessToken,
      appSecret,
      verifyToken: 'faults-verify-token',
    });
    if (link.status !== 200) throw new Error(`linking the Cloud API bot failed: ${link.status} ${JSON.stringify(link.body)}`);
    const url = server.url;
    const running = server;
    return {
      server,
      graph,
      owner,
      botId: bot.body.id,
      async deliver(events) {
        const raw = JSON.stringify(webhookFor(FAKE_PHONE_NUMBER_ID, ...events));
        try {
          const res = await fetch(`${url}/api/whatsapp/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(appSecret, raw) },
            body: raw,
          });
          await res.arrayBuffer();
          return res.status;
        } catch {
          return 0;
        }
      },
      async close() {
        await running.stop();
        await graph.close();
      },
    };
  } catch (err) {
    await server?.stop();
    await graph.close();
    throw err;
  }
}

/** Another account that joins `owner`'s workspace as an agent (invitation link → sign-up → accept). */
export async function joinAsAgent(base: string, owner: Account, email: string): Promise<Account> {
  const invite = await owner.client.json<{ path: string }>('POST', `/api/v1/workspaces/${owner.workspaceId}/invites`, { email, role: 'agent' });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const token = invite.body.path.split('/').pop()!;
  const agent = await signUpAccount(base, email, 'Agent');
  // Accepting selects the workspace with a cookie of its own; this client keeps one cookie, the session's.
  const session = agent.client.cookie;
  const accepted = await agent.client.json('POST', '/api/v1/invites/accept', { token });
  agent.client.cookie = session;
  if (accepted.status !== 200) throw new Error(`accepting the invite failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { ...agent, workspaceId: owner.workspaceId };
}

export { Client };

/**
 * For a describe block: a Cloud API inbox on a PostgreSQL database of its own (so the test can
 * compare every agent with the database), its agents closed and the database dropped afterwards.
 */
export function useCloudInboxOnPostgres(): { readonly inbox: CloudInbox; readonly databaseUrl: string; readonly agents: InboxAgent[] } {
  let database: TestDatabase | undefined;
  let inbox: CloudInbox | undefined;
  const agents: InboxAgent[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    inbox = await startCloudInbox({ env: { DATABASE_URL: database.url } });
  });
  afterAll(async () => {
    for (const a of agents) a.close();
    await inbox?.close();
    await database?.drop();
  });
  return {
    get inbox() {
      if (!inbox) throw new Error('the inbox starts in beforeAll');
      return inbox;
    },
    get databaseUrl() {
      if (!database) throw new Error('the database is created in beforeAll');
      return database.url;
    },
    agents,
  };
}
