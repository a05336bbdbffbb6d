import { expect, test } from './fixtures';
import { AppShell } from './pages/app-shell';
import { LinkStep } from './pages/link-step';
import { createBotViaApi, simulatorScan } from './support/api';
import { recordRequests } from './support/requests';
import { note } from './support/note';
import { recordSocketFrames } from './support/socket-frames';

// Linking a bot by QR on the main server (WhatsApp's own QR timing: the first code lives 60 s).

test('wizard: the QR on screen is the one the server issued; a scan shows "WhatsApp connected" at once, then the bot page', async ({
  page,
  signUpPage,
  shell,
  dashboard,
  wizard,
  newUser,
}) => {
  const socket = recordSocketFrames(page);
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.expectLive();

  await wizard.openFromDashboard();
  const botId = await wizard.createBot('Front desk');
  await wizard.saveBehaviour();
  await wizard.link.showQr();

  // What a phone would read off the screen…
  const decoded = await wizard.link.decodeQr();
  // …is exactly the newest QR string the server pushed to this tab (ack snapshot or qr_code_updated).
  const issued = socket.qrCodes();
  expect(issued.length).toBeGreaterThan(0);
  expect(decoded).toBe(issued[issued.length - 1]);
  // WhatsApp's link format: the ref, then the phone-side keys (Baileys ≥ 7 wraps it in a wa.me URL).
  expect(decoded).toMatch(/2@[^,]+,[^,]+,[^,]+,[^,]+/);

  // Scan → visible, timed with this machine's clock on both sides.
  const phone = { phoneNumber: '15550001234', displayName: 'Front Desk Phone' };
  await wizard.link.markWhenLinked();
  const sentAt = Date.now();
  const scan = await simulatorScan(page.request, botId, phone);
  expect(scan.status(), await scan.text()).toBe(200);
  await wizard.link.expectLinked(phone);
  const latencyMs = Math.round((await wizard.link.linkedAt()) - sentAt);
  note('scan→visible latency', `${latencyMs} ms (scan request sent → "WhatsApp connected" in the DOM)`);
  // The simulator restarts the connection for 400 ms after a scan, as WhatsApp does; well under 2 s in total.
  expect(latencyMs).toBeLessThan(2_000);

  // The wizard moves on by itself after 3 s.
  await expect(page).toHaveURL(new RegExp(`/bots/${botId}$`), { timeout: 6_000 });
});

test('one WebSocket, zero reconnects through 20 client-side navigations (dashboard, wizard, inbox, settings)', async ({
  page,
  signUpPage,
  shell,
  dashboard,
  wizard,
  newUser,
}) => {
  const socket = recordSocketFrames(page);
  const closed: string[] = [];
  page.on('websocket', (ws) => ws.on('close', () => closed.push(ws.url())));
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.expectLive();
  await shell.recordIndicator();
  // A full page load would drop this marker (and open a new socket).
  await page.evaluate(() => ((window as unknown as { __e2eSamePage: boolean }).__e2eSamePage = true));

  const cycle = [
    () => wizard.openFromDashboard(),
    () => shell.navigate('Inbox'),
    () => shell.navigate('Settings'),
    () => shell.navigate('Dashboard'),
  ];
  for (let i = 0; i < 20; i++) await cycle[i % cycle.length]!();

  await expect(page).toHaveURL(/\/dashboard$/);
  await shell.expectLive();
  expect(await page.evaluate(() => (window as unknown as { __e2eSamePage?: boolean }).__e2eSamePage)).toBe(true);
  expect(socket.sockets).toHaveLength(1);
  expect(closed).toEqual([]);
  const { log, stillObserved } = await shell.indicatorLog();
  expect(stillObserved).toBe(true);
  expect(log?.map((e) => e.text)).toEqual(['Live']);
});

test('healthy socket: the dashboard and an open QR step make no status requests for 60 s', async ({ page, context, signUpPage, shell, dashboard, newUser }) => {
  test.setTimeout(120_000);
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  const botId = await createBotViaApi(page.request, 'Idle bot');
  // The open dashboard hears of the new bot and reads the list once; let that finish first.
  await dashboard.expectBotStatus(botId, 'DISCONNECTED', 'Not linked');

  // Tab 1: the dashboard, freshly loaded, showing the bot.
  const dashboardRequests = recordRequests(page);
  await dashboard.goto();
  await shell.expectLive();
  await dashboard.expectBotStatus(botId, 'DISCONNECTED', 'Not linked');
  const dashboardLoaded = Date.now();

  // Tab 2: the QR step for that bot.
  const qrPage = await context.newPage();
  const qrShell = new AppShell(qrPage);
  const qrStep = new LinkStep(qrPage);
  const qrRequests = recordRequests(qrPage);
  const qrSocket = recordSocketFrames(qrPage);
  await qrStep.gotoForBot(botId);
  await qrShell.expectLive();
  const qrLoaded = Date.now();
  await qrStep.showQr();

  // The dashboard learnt about the QR from the socket.
  await dashboard.expectBotStatus(botId, 'QR_REQUIRED', 'Waiting for a scan');

  // Both tabs sit for 60 s, side by side.
  await page.waitForTimeout(60_000);

  // The first QR lives 60 s: its rotation was pushed to the tab, which shows the next code.
  const firstQr = qrSocket.qrCodes()[0];
  await expect(qrStep.qrFigure()).toHaveAttribute('data-attempt', '2', { timeout: 10_000 });
  await qrStep.expectQrVisible();
  expect(await qrStep.decodeQr()).not.toBe(firstQr);
  await qrShell.expectLive();
  await shell.expectLive();
  expect(qrSocket.sockets).toHaveLength(1);
  expect(dashboardRequests.statusReads(dashboardLoaded)).toEqual([]);
  expect(qrRequests.statusReads(qrLoaded)).toEqual([]);
  expect(qrRequests.sessionStatus()).toEqual([]);
  expect(dashboardRequests.sessionStatus()).toEqual([]);
  // The list was read once, at load.
  expect(dashboardRequests.botList()).toHaveLength(1);
});
