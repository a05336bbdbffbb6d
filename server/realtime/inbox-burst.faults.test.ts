import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { joinAsAgent, useCloudInboxOnPostgres } from '@/test/cloud-inbox';
import { cloudTextMessage, wamid, type CloudWebhookEvent } from '@/test/fake-graph-server';
import { scaled } from '@/test/faults-scale';
import { databaseView, differences, InboxAgent } from '@/test/inbox-agent';
import { shouldRunPostgres } from '@/test/test-db';

// Issue 9, "Burst": 10,000 inbound messages (short form: 1,000) across 50 conversations in 10 s,
// delivered as Meta does (signed webhooks, several messages per delivery, some delivered twice,
// refused ones retried), while 20 agents have the inbox open. Every message is stored exactly
// once, and every agent's list, unread counts and open threads — kept live by the browser's own
// cache code — converge to the database's.

const CONVERSATIONS = 50;
const AGENTS = 20;
const PER_DELIVERY = 50;
const MESSAGES = scaled(10_000, 1_000);
const SECONDS = scaled(10, 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const contact = (i: number) => `1555400${String(i).padStart(4, '0')}`;

const runPostgres = await shouldRunPostgres();

describe.skipIf(!runPostgres)('burst', () => {
  const ctx = useCloudInboxOnPostgres();
  const agents = ctx.agents;

  /** Meta's behaviour: a refused delivery comes again, with the same message ids. */
  async function deliverUntilStored(events: CloudWebhookEvent[]): Promise<{ refused: number }> {
    let refused = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const status = await ctx.inbox.deliver(events);
      if (status === 200) return { refused };
      refused++;
      await sleep(250 * (attempt + 1));
    }
    throw new Error('a delivery was refused 20 times');
  }

  it(`stores ${MESSAGES} messages across ${CONVERSATIONS} conversations exactly once, and ${AGENTS} agents converge to the database`, async () => {
    // The conversations exist (one message each), and the agents have the inbox open.
    await Promise.all(Array.from({ length: CONVERSATIONS }, (_, i) => deliverUntilStored([cloudTextMessage({ from: contact(i), text: 'hello' })])));
    const accounts = [ctx.inbox.owner];
    for (let i = 1; i < AGENTS; i++) accounts.push(await joinAsAgent(ctx.inbox.server.url, ctx.inbox.owner, `agent-${i}-${Date.now()}@example.com`));
    const conversationIds = (
      await ctx.inbox.owner.client.json<{ conversations: { id: string }[] }>('GET', `/api/v1/conversations?workspaceId=${ctx.inbox.owner.workspaceId}&limit=100`)
    ).body.conversations.map((c) => c.id);
    expect(conversationIds).toHaveLength(CONVERSATIONS);
    for (const [i, account] of accounts.entries()) {
      const agent = new InboxAgent(ctx.inbox.server.url, account.client, ctx.inbox.owner.workspaceId);
      agents.push(agent);
      await agent.connect();
      // Each agent has a few threads open; together they cover every conversation twice.
      await agent.open(Array.from({ length: 5 }, (_, k) => conversationIds[(i * 5 + k) % CONVERSATIONS]!));
    }

    // The burst: one delivery every SECONDS/deliveries, not waiting for answers (Meta does not).
    const deliveries = MESSAGES / PER_DELIVERY;
    const interval = (SECONDS * 1000) / deliveries;
    const ids: string[] = [];
    let seq = 0;
    let refused = 0;
    let redelivered = 0;
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let d = 0; d < deliveries; d++) {
      const due = started + d * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const events = Array.from({ length: PER_DELIVERY }, () => {
        const id = wamid();
        ids.push(id);
        const n = seq++;
        return cloudTextMessage({ from: contact(n % CONVERSATIONS), id, text: `burst ${n}` });
      });
      pending.push(deliverUntilStored(events).then((r) => void (refused += r.refused)));
      // Meta delivers some twice: the second must change nothing.
      if (d % 20 === 7) {
        redelivered += events.length;
        pending.push(deliverUntilStored(events).then((r) => void (refused += r.refused)));
      }
    }
    const offeredMs = performance.now() - started;
    await Promise.all(pending);
    const storedMs = performance.now() - started;

    // Exactly once, by WhatsApp's message id.
    const db = new pg.Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    let counts: Map<string, number>;
    try {
      const { rows } = await db.query<{ external_id: string; n: string }>(
        `select external_id, count(*) as n from messages where bot_id = $1 and direction = 'in' group by external_id`,
        [ctx.inbox.botId],
      );
      counts = new Map(rows.map((r) => [r.external_id, Number(r.n)]));
    } finally {
      await db.end();
    }
    const lost = ids.filter((id) => counts.get(id) === undefined);
    const doubled = ids.filter((id) => (counts.get(id) ?? 0) > 1);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    expect(counts.size).toBe(MESSAGES + CONVERSATIONS);

    // Every agent converges to the database.
    const threads = [...new Set(agents.flatMap((a) => [...a.view().threads.keys()]))];
    let diverged: string[] = [];
    const convergeStart = performance.now();
    for (;;) {
      const truth = await databaseView(ctx.databaseUrl, ctx.inbox.owner.workspaceId, threads);
      diverged = agents.flatMap((a, i) => differences(a.view(), truth).map((d) => `agent ${i}: ${d}`));
      if (diverged.length === 0 || performance.now() - convergeStart > 30_000) break;
      await sleep(250);
    }
    expect(diverged.slice(0, 20)).toEqual([]);
    const convergedMs = performance.now() - started;

    console.log(
      `[faults] burst: ${MESSAGES} messages in ${deliveries} deliveries (+${redelivered} redelivered) offered in ${(offeredMs / 1000).toFixed(1)} s, ` +
        `${refused} deliveries refused and retried, stored ${MESSAGES} (all answered after ${(storedMs / 1000).toFixed(1)} s), lost ${lost.length}, ` +
        `duplicated ${doubled.length}; ${AGENTS} agents converged after ${(convergedMs / 1000).toFixed(1)} s (${agents.reduce((a, g) => a + g.pushes, 0)} pushes applied)`,
    );
  });
});
