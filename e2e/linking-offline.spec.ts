import { expect, test } from './fixtures';
import { connectViaApi, createBotViaApi, scanWhenQrShows, simulatorScan } from './support/api';
import { recordRequests } from './support/requests';
import { note } from './support/note';
import { controlSocket } from './support/socket-blocker';

// The fallback when the live connection is down (DESIGN section 3): after 10 s without a socket
// the QR step polls session-status every 5 s and the dashboard the bot list every 30 s; when the
// socket is back, polling stops and one revalidation catches up what was missed.

test.beforeEach(async ({ signUpPage, dashboard, newUser }) => {
  test.setTimeout(90_000);
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
});

test('QR step without a socket: "Offline — polling" after 10 s, session-status every 5 s, and a scan still arrives', async ({ page, shell, linkStep }) => {
  const socket = await controlSocket(page);
  const requests = recordRequests(page);
  const botId = await createBotViaApi(page.request, 'Offline bot');
  await linkStep.gotoForBot(botId);
  await shell.expectLive();
  await linkStep.showQr();
  expect(requests.sessionStatus()).toEqual([]);

  const blockedAt = Date.now();
  await socket.block();
  await expect(shell.connectionIndicator()).toHaveText('Reconnecting…');
  await shell.expectOffline();
  const offlineAfter = Date.now() - blockedAt;
  expect(offlineAfter).toBeGreaterThanOrEqual(9_500);
  expect(offlineAfter).toBeLessThan(15_000);
  // The QR stays on screen meanwhile.
  await linkStep.expectQrVisible();

  await expect.poll(() => requests.sessionStatus().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  const polls = requests.sessionStatus();
  // No polling while the socket was only briefly down…
  expect(polls[0]!.at - blockedAt).toBeGreaterThanOrEqual(9_500);
  // …and then a slow, steady 5 s rhythm.
  for (let i = 1; i < polls.length; i++) expect(polls[i]!.at - polls[i - 1]!.at).toBeGreaterThanOrEqual(4_000);
  note('polls', polls.map((p) => `${p.at - blockedAt} ms`).join(', '));

  // The phone scans while the socket is still down: the next poll carries CONNECTED.
  const phone = { phoneNumber: '4915112345678', displayName: 'Offline Phone' };
  const scannedAt = Date.now();
  const scan = await simulatorScan(page.request, botId, phone);
  expect(scan.status(), await scan.text()).toBe(200);
  await linkStep.expectLinked(phone, 12_000);
  note('scan→visible while polling', `${Date.now() - scannedAt} ms`);
  await expect(shell.connectionIndicator()).toHaveAttribute('data-status', 'offline');
  expect(socket.attempts.filter((a) => !a.blocked)).toHaveLength(1);
});

test('dashboard without a socket: a bot links meanwhile; back online → "Live", one catch-up read, then no polling', async ({ page, shell, dashboard }) => {
  const socket = await controlSocket(page);
  const requests = recordRequests(page);
  const botId = await createBotViaApi(page.request, 'Catch-up bot');
  await dashboard.goto();
  await shell.expectLive();
  await dashboard.expectBotStatus(botId, 'DISCONNECTED', 'Not linked');

  await socket.block();
  await shell.expectOffline();

  // The bot is linked through the REST API and the simulator while this tab is cut off.
  const phone = { phoneNumber: '447700900123', displayName: 'Catch-up Phone' };
  await connectViaApi(page.request, botId);
  await scanWhenQrShows(page.request, botId, phone);
  await expect
    .poll(async () => ((await (await page.request.get(`/api/v1/bots/${botId}`)).json()) as { status: string }).status)
    .toBe('CONNECTED');
  // The tab has not heard of it.
  expect(await dashboard.botStatus(botId).getAttribute('data-status')).toBe('DISCONNECTED');

  const unblockedAt = Date.now();
  socket.unblock();
  await expect(shell.connectionIndicator()).toHaveText('Live', { timeout: 15_000 });
  note('reconnected after', `${Date.now() - unblockedAt} ms`);
  // The tab kept retrying while cut off, and one of those retries got through.
  expect(socket.attempts.filter((a) => a.blocked).length).toBeGreaterThan(0);
  expect(socket.attempts.filter((a) => !a.blocked)).toHaveLength(2);
  await dashboard.expectBotStatus(botId, 'CONNECTED', 'Connected');
  await expect(dashboard.botRowById(botId)).toContainText(`+${phone.phoneNumber}`);

  // Polling has stopped: nothing more in the next 10 s beyond the one catch-up read.
  await page.waitForTimeout(10_000);
  expect(requests.botList(unblockedAt)).toHaveLength(1);
  expect(requests.sessionStatus()).toEqual([]);
  await shell.expectLive();
});
