import { expect, makeUser, test } from './fixtures';
import { AppShell } from './pages/app-shell';
import { DashboardPage } from './pages/dashboard-page';
import { SignUpPage } from './pages/sign-up-page';
import { FAST_QR_TIMING, FAST_QR_URL } from './servers';
import { createBotViaApi, simulatorScan } from './support/api';
import { note } from './support/note';
import { recordSocketFrames } from './support/socket-frames';

// On the second e2e server, whose simulator rotates QR codes fast (first 3 s, then 2 s, 3 codes),
// so rotation and expiry happen within seconds instead of minutes.
test.use({ baseURL: FAST_QR_URL });

test.beforeEach(() => {
  test.setTimeout(60_000);
});

test('QR rotation: each code replaces the last with a fresh countdown; after the last one "Generate new QR" starts over and a scan links', async ({
  page,
  signUpPage,
  dashboard,
  shell,
  linkStep,
  newUser,
}) => {
  const socket = recordSocketFrames(page);
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.expectLive();
  const botId = await createBotViaApi(page.request, 'Rotating bot');

  await linkStep.gotoForBot(botId);
  await linkStep.recordQrChanges();
  await linkStep.showQr();
  await linkStep.expectExpired(); // 3 + 2 + 2 s of codes
  await expect(linkStep.qrFigure()).toHaveCount(0);

  const log = (await linkStep.qrLog()).filter((e) => e.markup !== null);
  note('qr log', log.map((e) => `#${e.attempt}:${e.seconds}s@${e.at - log[0]!.at}`).join(' '));
  const attempts = [...new Set(log.map((e) => e.attempt))];
  expect(attempts).toEqual(Array.from({ length: FAST_QR_TIMING.refs }, (_, i) => i + 1));
  // One drawing per attempt, each different from the one before.
  const markups = attempts.map((a) => [...new Set(log.filter((e) => e.attempt === a).map((e) => e.markup!))]);
  for (const m of markups) expect(m).toHaveLength(1);
  expect(new Set(markups.flat()).size).toBe(FAST_QR_TIMING.refs);
  // The server pushed this tab three distinct QR strings, one per drawing.
  const issued = socket.qrCodes();
  expect(issued).toHaveLength(FAST_QR_TIMING.refs);
  // The countdown starts over on every rotation: 3 s for the first code, 2 s for each next.
  const seconds = attempts.map((a) => log.filter((e) => e.attempt === a && e.seconds !== null).map((e) => e.seconds!));
  // (A code can be drawn a moment after it was issued, so its first second may already be gone.)
  expect(Math.max(...seconds[0]!)).toBeLessThanOrEqual(FAST_QR_TIMING.firstMs / 1000);
  expect(Math.max(...seconds[0]!)).toBeGreaterThanOrEqual(FAST_QR_TIMING.firstMs / 1000 - 1);
  for (let i = 1; i < seconds.length; i++) {
    expect(Math.max(...seconds[i]!), `countdown of code ${i + 1} after ${seconds[i - 1]!.join(',')}`).toBeGreaterThan(seconds[i - 1]!.at(-1)!);
    expect(Math.max(...seconds[i]!)).toBeLessThanOrEqual(FAST_QR_TIMING.nextMs / 1000);
  }

  // Start over: a new code, never one of the expired ones, that a phone can read and scan.
  await linkStep.generateNewQr();
  const decoded = await linkStep.decodeQr();
  expect(issued).not.toContain(decoded);
  expect(socket.qrCodes()).toContain(decoded);
  expect(markups.flat()).not.toContain(await linkStep.qrMarkup());

  const phone = { phoneNumber: '33612345678', displayName: 'Rotation Phone' };
  const scan = await simulatorScan(page.request, botId, phone);
  expect(scan.status(), await scan.text()).toBe(200);
  await linkStep.expectLinked(phone);
});

test("two users: the other workspace's sockets never carry A's bot, QR codes or phone number", async ({ browser, page, context, signUpPage, dashboard, shell, linkStep, newUser }) => {
  // User B, in a browser context of its own, sits on the dashboard and records every frame.
  const contextB = await browser.newContext({ baseURL: FAST_QR_URL });
  const pageB = await contextB.newPage();
  const framesB = recordSocketFrames(pageB);
  await new SignUpPage(pageB).goto();
  await new SignUpPage(pageB).signUp(makeUser('Bea'));
  const dashboardB = new DashboardPage(pageB);
  await dashboardB.expectEmpty();
  const botB = await createBotViaApi(pageB.request, 'B bot');
  await dashboardB.goto();
  await new AppShell(pageB).expectLive();
  await dashboardB.expectBotStatus(botB, 'DISCONNECTED');
  // The sign-up's page and this one each opened a socket; from here on B keeps this one.
  const socketsB = framesB.sockets.length;

  // User A: a QR step, and the dashboard in a second tab of the same context.
  const framesA = recordSocketFrames(page);
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  const botA = await createBotViaApi(page.request, 'A bot');
  const dashboardTabA = await context.newPage();
  const framesDashboardA = recordSocketFrames(dashboardTabA);
  const dashboardA = new DashboardPage(dashboardTabA);
  await dashboardA.goto();
  await new AppShell(dashboardTabA).expectLive();

  await linkStep.gotoForBot(botA);
  await shell.expectLive();
  await linkStep.showQr();
  // Let the QR rotate at least once before the scan.
  await expect(linkStep.qrFigure()).toHaveAttribute('data-attempt', '2', { timeout: 10_000 });
  const phone = { phoneNumber: '61412345678', displayName: 'Private Phone' };
  const scan = await simulatorScan(page.request, botA, phone);
  expect(scan.status(), await scan.text()).toBe(200);
  await linkStep.expectLinked(phone);
  await dashboardA.expectBotStatus(botA, 'CONNECTED', 'Connected');

  // What A's own tabs received proves the events were sent at all…
  const qrCodesA = framesA.qrCodes();
  expect(qrCodesA.length).toBeGreaterThanOrEqual(2);
  expect(framesDashboardA.frames.some((f) => f.event === 'bot_status_update' && f.raw.includes(botA) && f.raw.includes(phone.phoneNumber))).toBe(true);

  // …and none of it reached B, whose socket stayed up and did receive its own traffic.
  await pageB.waitForTimeout(1_000);
  await new AppShell(pageB).expectLive();
  expect(framesB.sockets).toHaveLength(socketsB);
  expect(framesB.frames.some((f) => f.event === 'connected')).toBe(true);
  const secrets = [botA, phone.phoneNumber, phone.displayName, ...qrCodesA];
  const leaks = framesB.frames.filter((f) => secrets.some((s) => f.raw.includes(s) || f.raw.includes(JSON.stringify(s).slice(1, -1))));
  expect(leaks.map((f) => f.raw)).toEqual([]);
  await dashboardB.expectBotStatus(botB, 'DISCONNECTED');
  await expect(pageB.getByTestId('bot-row')).toHaveCount(1);
  await contextB.close();
});
