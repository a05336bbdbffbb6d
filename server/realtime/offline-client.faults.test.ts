import { describe, expect, it } from 'vitest';
import { joinAsAgent, useCloudInboxOnPostgres } from '@/test/cloud-inbox';
import { cloudTextMessage, wamid } from '@/test/fake-graph-server';
import { scaled } from '@/test/faults-scale';
import { databaseView, differences, InboxAgent } from '@/test/inbox-agent';
import { shouldRunPostgres } from '@/test/test-db';

// Issue 9, "Client offline 60 s during traffic" (short form: 10 s): two agents go offline while
// messages keep arriving and a colleague reads conversations. One loses its network (the server
// keeps its events: connection state recovery replays them), the other's connection cannot be
// recovered (it refetches every loaded list and thread, with the pushes since each read replayed
// on top, as the browser does). On return, both lists, unread counts and threads equal the
// database, as do those of an agent that never left.

const CONVERSATIONS = 20;
const OFFLINE_MS = scaled(60_000, 10_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const contact = (i: number) => `1555300${String(i).padStart(4, '0')}`;

const runPostgres = await shouldRunPostgres();

describe.skipIf(!runPostgres)('client offline during traffic', () => {
  const ctx = useCloudInboxOnPostgres();
  const agents = ctx.agents;

  it(`catches up after ${OFFLINE_MS / 1000} s offline, whether its connection is recovered or not`, async () => {
    for (let i = 0; i < CONVERSATIONS; i++) expect(await ctx.inbox.deliver([cloudTextMessage({ from: contact(i), text: 'hello' })])).toBe(200);
    const ids = (
      await ctx.inbox.owner.client.json<{ conversations: { id: string }[] }>('GET', `/api/v1/conversations?workspaceId=${ctx.inbox.owner.workspaceId}&limit=100`)
    ).body.conversations.map((c) => c.id);
    expect(ids).toHaveLength(CONVERSATIONS);
    const accounts = [
      await joinAsAgent(ctx.inbox.server.url, ctx.inbox.owner, `dropped-${Date.now()}@example.com`),
      await joinAsAgent(ctx.inbox.server.url, ctx.inbox.owner, `left-${Date.now()}@example.com`),
      await joinAsAgent(ctx.inbox.server.url, ctx.inbox.owner, `stayed-${Date.now()}@example.com`),
    ];
    for (const [i, account] of accounts.entries()) {
      const agent = new InboxAgent(ctx.inbox.server.url, account.client, ctx.inbox.owner.workspaceId);
      agents.push(agent);
      await agent.connect();
      await agent.open(ids.slice(i * 5, i * 5 + 5).concat(ids.slice(15, 20)));
    }
    const [dropped, left, stayed] = agents as [InboxAgent, InboxAgent, InboxAgent];

    // Traffic: a delivery of 5 messages every 200 ms, and the owner reading a conversation every second.
    let sending = true;
    let sent = 0;
    let refused = 0;
    let reads = 0;
    const traffic = (async () => {
      let n = 0;
      while (sending) {
        const events = Array.from({ length: 5 }, () => cloudTextMessage({ from: contact(n++ % CONVERSATIONS), id: wamid(), text: `while away ${n}` }));
        const status = await ctx.inbox.deliver(events);
        if (status === 200) sent += events.length;
        else refused += events.length;
        if (n % 25 === 0) {
          const res = await ctx.inbox.owner.client.request('POST', `/api/v1/conversations/${ids[(n / 25) % CONVERSATIONS]}/read`);
          if (res.ok) reads++;
          await res.arrayBuffer();
        }
        await sleep(200);
      }
    })();

    await sleep(1_000);
    dropped.offline('network');
    left.offline('client');
    const pushesBefore = { dropped: dropped.pushes, left: left.pushes };
    await sleep(OFFLINE_MS);
    // Nothing reached them while away.
    expect(dropped.pushes).toBe(pushesBefore.dropped);
    expect(left.pushes).toBe(pushesBefore.left);

    const [droppedBack, leftBack] = await Promise.all([dropped.online(), left.online()]);
    expect(droppedBack.recovered).toBe(true);
    expect(leftBack.recovered).toBe(false);
    await sleep(1_000);
    sending = false;
    await traffic;
    expect(refused).toBe(0);

    const threads = [...new Set(agents.flatMap((a) => [...a.view().threads.keys()]))];
    let diverged: string[] = [];
    const deadline = Date.now() + 15_000;
    for (;;) {
      const truth = await databaseView(ctx.databaseUrl, ctx.inbox.owner.workspaceId, threads);
      diverged = [
        ...differences(dropped.view(), truth).map((d) => `recovered: ${d}`),
        ...differences(left.view(), truth).map((d) => `refetched: ${d}`),
        ...differences(stayed.view(), truth).map((d) => `online: ${d}`),
      ];
      if (diverged.length === 0 || Date.now() > deadline) break;
      await sleep(200);
    }
    expect(diverged.slice(0, 20)).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    console.log(
      `[faults] offline ${OFFLINE_MS / 1000} s: ${sent} messages stored during traffic (${refused} refused), ${reads} conversations read by a colleague; ` +
        `recovered client replayed ${dropped.pushes - pushesBefore.dropped} events, the other refetched; both equal the database (0 differences)`,
    );
  });
});
