// Browser benchmark (issue 5): inbound Cloud API webhook → the message visible in the open inbox.
// The production server with a fake Graph API and a Cloud API bot linked through the real
// credentials endpoint; Chromium shows /inbox/{conversationId}. Each trial posts one signed
// webhook from Node and times it until the message's text is in the thread's DOM (a
// MutationObserver, the page's wall clock: the same machine clock), and the next frame.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { FAKE_PHONE_NUMBER_ID, cloudTextMessage, signWebhook, startFakeGraph, webhookFor } from '@/test/fake-graph-server';
import { startServer } from '@/test/spawn-server';
import { launchChromium, signedInContext } from './browser';
import { stats, type Stats } from './scan-latency';

export interface InboxLatencyResult {
  trials: number;
  /** Webhook POST sent (Node) → message text inserted into the thread (page). */
  domMs: Stats;
  /** … → the next animation frame (painted). */
  frameMs: Stats;
  /** Webhook round trip (the server answers after storing). */
  ackMs: Stats;
}

const now = () => performance.timeOrigin + performance.now();

// A string, not a function: tsx's keepNames would inject a helper the page does not have.
const armObserver = (marker: string) => `(() => {
  delete window.__benchSeen;
  const marker = ${JSON.stringify(marker)};
  const found = () => Array.from(document.querySelectorAll('[role="log"]')).some((el) => el.textContent.includes(marker));
  const observer = new MutationObserver(() => {
    if (!found()) return;
    observer.disconnect();
    const dom = performance.timeOrigin + performance.now();
    requestAnimationFrame(() => { window.__benchSeen = { dom, frame: performance.timeOrigin + performance.now() }; });
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

export async function inboxLatencyBench(opts: { trials: number; warmup?: number }): Promise<InboxLatencyResult> {
  const warmup = opts.warmup ?? 5;
  const accessToken = `EAAG${randomBytes(24).toString('hex')}`;
  const appSecret = randomBytes(16).toString('hex');
  const graph = await startFakeGraph({ accessToken });
  const server = await startServer({ mode: 'production', env: { WHATSAPP_GRAPH_URL: graph.url, LOG_LEVEL: 'warn' } });
  const browser = await launchChromium();
  try {
    const context = await signedInContext(browser, server.url, 'bench-inbox');
    const bot = await context.request.post('/api/v1/bots', { data: { name: 'Inbox bench', channel: 'cloud_api' } });
    const botId = ((await bot.json()) as { id: string }).id;
    const link = await context.request.put(`/api/v1/bots/${botId}/cloud-api`, {
      data: { phoneNumberId: FAKE_PHONE_NUMBER_ID, accessToken, appSecret, verifyToken: 'bench-verify-token' },
    });
    if (link.status() !== 200) throw new Error(`linking failed: ${link.status()} ${await link.text()}`);

    const post = async (text: string) => {
      const raw = JSON.stringify(webhookFor(FAKE_PHONE_NUMBER_ID, cloudTextMessage({ from: '15550123456', name: 'Bench Contact', text })));
      const t0 = now();
      const res = await fetch(`${server.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(appSecret, raw) },
        body: raw,
      });
      if (res.status !== 200) throw new Error(`webhook failed: ${res.status} ${await res.text()}`);
      return { t0, ack: now() - t0 };
    };

    // The first message creates the conversation; the inbox then has it open.
    await post('first message');
    const list = await context.request.get('/api/v1/conversations');
    const conversationId = ((await list.json()) as { conversations: { id: string }[] }).conversations[0]!.id;
    const page: Page = await context.newPage();
    await page.goto(`/inbox/${conversationId}`);
    await page.locator('[role="log"]').getByText('first message').waitFor({ timeout: 15_000 });

    const dom: number[] = [];
    const frame: number[] = [];
    const acks: number[] = [];
    for (let i = 0; i < opts.trials + warmup; i++) {
      const marker = `bench-${i}-${randomBytes(4).toString('hex')}`;
      await page.evaluate(armObserver(marker));
      const { t0, ack } = await post(marker);
      // A function, not a string: the page's CSP (no 'unsafe-eval') refuses a string predicate.
      await page.waitForFunction(() => (window as unknown as { __benchSeen?: unknown }).__benchSeen !== undefined, undefined, { timeout: 10_000 });
      const seen = (await page.evaluate('window.__benchSeen')) as { dom: number; frame: number };
      if (i >= warmup) {
        dom.push(seen.dom - t0);
        frame.push(seen.frame - t0);
        acks.push(ack);
      }
    }
    await context.close();
    return { trials: opts.trials, domMs: stats(dom), frameMs: stats(frame), ackMs: stats(acks) };
  } finally {
    await browser.close();
    await server.stop();
    await graph.close();
  }
}
