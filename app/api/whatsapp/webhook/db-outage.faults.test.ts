import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudInbox, type CloudInbox } from '@/test/cloud-inbox';
import { cloudTextMessage, wamid } from '@/test/fake-graph-server';
import { scaled } from '@/test/faults-scale';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '@/test/private-postgres';

// Issue 9, "Database briefly unavailable": the server's PostgreSQL (a private cluster, never the
// shared one) stops for 5 s while Meta keeps delivering. Every delivery must answer 200 (stored)
// or 503 (Meta retries it), never 200-and-drop or a 500; /api/health reports the database down;
// the server recovers on its own; and after Meta's retries every message is stored exactly once.

const OUTAGE_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Delivery {
  id: string;
  from: string;
  status: number;
  phase: 'before' | 'outage' | 'after';
}

describe.skipIf(!postgresBinDir())('database briefly unavailable', () => {
  let db: PrivatePostgres;
  let inbox: CloudInbox;

  beforeAll(async () => {
    db = await startPrivatePostgres();
    inbox = await startCloudInbox({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => {
    await inbox?.close();
    await db?.destroy();
  });

  it('answers 503 while PostgreSQL is down, reports it in /api/health, recovers, and stores every message exactly once', async () => {
    const deliveries: Delivery[] = [];
    let phase: Delivery['phase'] = 'before';
    let seq = 0;
    let sending = true;
    // Meta's side: one message per delivery from a few concurrent senders, without pause.
    const sender = async (n: number) => {
      while (sending) {
        const id = wamid();
        const from = `1555900${String(n).padStart(4, '0')}`;
        const sentIn = phase;
        const status = await inbox.deliver([cloudTextMessage({ from, id, text: `message ${seq++}` })]);
        deliveries.push({ id, from, status, phase: sentIn === phase ? sentIn : 'outage' });
        if (status !== 200) await sleep(50);
      }
    };
    const senders = Array.from({ length: scaled(4, 2) }, (_, i) => sender(i));

    await sleep(2_000);
    expect(deliveries.filter((d) => d.status === 200).length).toBeGreaterThan(0);

    phase = 'outage';
    await db.stop();
    const downAt = Date.now();
    // Health says so while it is down.
    const health = await fetch(`${inbox.server.url}/api/health`);
    const healthBody = (await health.json()) as { db: string; status: string };
    expect(health.status).toBe(503);
    expect(healthBody.db).toBe('down');
    await sleep(OUTAGE_MS - (Date.now() - downAt));
    await db.start();
    phase = 'after';

    // It resumes on its own: the next deliveries are stored again, without a restart.
    const upAt = Date.now();
    let recoveredMs = -1;
    while (Date.now() - upAt < 30_000) {
      const h = await fetch(`${inbox.server.url}/api/health`);
      await h.arrayBuffer();
      if (h.status === 200 && deliveries.some((d) => d.phase === 'after' && d.status === 200)) {
        recoveredMs = Date.now() - upAt;
        break;
      }
      await sleep(100);
    }
    expect(recoveredMs).toBeGreaterThanOrEqual(0);
    await sleep(2_000);
    sending = false;
    await Promise.all(senders);

    const outage = deliveries.filter((d) => d.phase === 'outage');
    const accepted = deliveries.filter((d) => d.status === 200);
    const rejected = deliveries.filter((d) => d.status !== 200);
    // During the outage: 503 (retry later), never a 500 or a dropped connection.
    expect(outage.filter((d) => d.status === 503).length).toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.status !== 200 && d.status !== 503)).toEqual([]);

    // Every 200 is stored exactly once, before Meta retries anything.
    const countStored = async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ external_id: string; n: string }>(
          `select external_id, count(*) as n from messages where bot_id = $1 and direction = 'in' group by external_id`,
          [inbox.botId],
        );
        return new Map(rows.map((r) => [r.external_id, Number(r.n)]));
      } finally {
        await client.end();
      }
    };
    const afterOutage = await countStored();
    expect(accepted.filter((d) => afterOutage.get(d.id) !== 1).map((d) => d.id)).toEqual([]);

    // Meta retries what was refused (same message id): now all of them are stored, once each.
    const retried = await Promise.all(rejected.map((d) => inbox.deliver([cloudTextMessage({ from: d.from, id: d.id, text: 'retried' })])));
    expect(retried.filter((s) => s !== 200)).toEqual([]);
    const final = await countStored();
    const lost = deliveries.filter((d) => final.get(d.id) !== 1);
    expect(lost).toEqual([]);
    expect(final.size).toBe(deliveries.length);

    console.log(
      `[faults] db outage ${OUTAGE_MS} ms: tried ${deliveries.length}, rejected ${rejected.length} (503, ${outage.length} sent during the outage), ` +
        `stored ${final.size} (${accepted.length} at once, ${rejected.length} on retry), lost ${lost.length}, recovered ${recoveredMs} ms after restart`,
    );
  });
});
