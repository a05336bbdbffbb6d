import pg from 'pg';
import { nodeIdOf, redisReachable, startCluster, type TestCluster } from '../test/cluster';
import { nginxBinary, type RunningNginx, startNginx } from '../test/nginx';
import { postgresReachable } from '../test/test-db';
import { expect, makeUser, test } from './fixtures';
import { AppShell } from './pages/app-shell';
import { SignUpPage } from './pages/sign-up-page';
import { WizardPage } from './pages/wizard-page';
import { simulatorScan } from './support/api';
import { note } from './support/note';
import { recordSocketFrames } from './support/socket-frames';

// Two production nodes (one PostgreSQL database, one Redis) behind nginx configured from
// deploy/nginx/parley.conf. The wizard's linking flow works whichever node the browser lands on,
// and whichever node runs the WhatsApp session: the QR, the scan and "WhatsApp connected" cross
// nodes through Redis when they are not the same.

const SIMULATOR = { WHATSAPP_ENGINE: 'simulator', SIMULATOR_RESTART_MS: '400' };

let cluster: TestCluster | undefined;
let nginx: RunningNginx | undefined;
/** nginx listeners that land on node A and on node B (ip_hash, the upstream order reversed). */
const front = { A: '', B: '' };
const nodeIds = { A: '', B: '' };

async function leaseOwner(botId: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: cluster!.database.url });
  await c.connect();
  try {
    const { rows } = await c.query('select owner from session_leases where bot_id = $1 and expires_at > now()', [botId]);
    return (rows[0] as { owner: string } | undefined)?.owner ?? null;
  } finally {
    await c.end();
  }
}

test.describe('two nodes behind nginx', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const missing = [
      !(await postgresReachable()) && 'PostgreSQL at 127.0.0.1:5432',
      !(await redisReachable()) && 'Redis at 127.0.0.1:6379',
      !nginxBinary() && 'nginx (node scripts/ensure-nginx.mjs)',
    ].filter(Boolean);
    if (missing.length && process.env.CI) throw new Error(`multi-node e2e needs ${missing.join(', ')}`);
    test.skip(missing.length > 0, `needs ${missing.join(', ')}`);

    cluster = await startCluster({ nodes: 2, env: SIMULATOR });
    const [a, b] = cluster.nodes.map((n) => new URL(n.url).host);
    nginx = await startNginx([{ upstreams: [a!, b!] }, { upstreams: [b!, a!] }]);
    const urls = nginx.urls.map((u) => u.replace('127.0.0.1', 'localhost'));
    nodeIds.A = await nodeIdOf(cluster.nodes[0]!.url);
    nodeIds.B = await nodeIdOf(cluster.nodes[1]!.url);
    for (const url of urls) {
      const node = await nodeIdOf(url);
      if (node === nodeIds.A) front.A = url;
      if (node === nodeIds.B) front.B = url;
    }
    expect(front.A && front.B, 'one nginx listener lands on each node').toBeTruthy();
  });

  test.afterAll(async () => {
    await nginx?.stop();
    await cluster?.cleanup();
  });

  for (const { browserOn, sessionOn } of [
    { browserOn: 'A', sessionOn: 'A' },
    { browserOn: 'B', sessionOn: 'A' },
  ] as const) {
    test(`wizard through nginx on node ${browserOn}, WhatsApp session on node ${sessionOn}: QR, scan, "WhatsApp connected"`, async ({ browser }) => {
      const context = await browser.newContext({ baseURL: front[browserOn] });
      const page = await context.newPage();
      try {
        const socket = recordSocketFrames(page);
        const signUp = new SignUpPage(page);
        const shell = new AppShell(page);
        const wizard = new WizardPage(page);
        await signUp.goto();
        await signUp.signUp(makeUser(`Node${browserOn}`));
        await expect(page).toHaveURL(/\/dashboard$/);
        await shell.expectLive();
        expect(await nodeIdOf(front[browserOn])).toBe(nodeIds[browserOn]);

        await wizard.openFromDashboard();
        const botId = await wizard.createBot(`Bot via ${browserOn}`);
        await wizard.saveBehaviour();
        if (sessionOn !== browserOn) {
          // The session starts on the other node first (straight to it, not through nginx): the
          // browser's own node then forwards the wizard's connect, and the QR comes across.
          const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
          const node = cluster!.nodes[sessionOn === 'A' ? 0 : 1]!;
          const res = await fetch(`${node.url}/api/v1/bots/${botId}/connect`, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json' },
            body: JSON.stringify({ method: 'qr' }),
          });
          expect(res.status).toBe(202);
        }
        await wizard.link.showQr();
        expect(await leaseOwner(botId)).toBe(nodeIds[sessionOn]);

        // What a phone reads off the screen is the newest QR the session's node issued.
        const decoded = await wizard.link.decodeQr();
        const issued = socket.qrCodes();
        expect(issued.length).toBeGreaterThan(0);
        expect(decoded).toBe(issued[issued.length - 1]);

        const phone = { phoneNumber: `1555000${browserOn === 'A' ? '1111' : '2222'}`, displayName: `Phone ${browserOn}` };
        await wizard.link.markWhenLinked();
        const sentAt = Date.now();
        const scan = await simulatorScan(page.request, botId, phone);
        expect(scan.status(), await scan.text()).toBe(200);
        await wizard.link.expectLinked(phone);
        note(`scan→visible (browser on ${browserOn}, session on ${sessionOn})`, `${Math.round((await wizard.link.linkedAt()) - sentAt)} ms`);
        await expect(page).toHaveURL(new RegExp(`/bots/${botId}$`), { timeout: 6_000 });
        // One WebSocket through nginx for the whole flow.
        expect(socket.sockets).toHaveLength(1);
        expect(await leaseOwner(botId)).toBe(nodeIds[sessionOn]);
      } finally {
        await context.close();
      }
    });
  }
});
