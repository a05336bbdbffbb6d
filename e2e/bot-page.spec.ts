import type { APIRequestContext, Page } from '@playwright/test';
import { expect, makeUser, test as base } from './fixtures';
import { AppShell } from './pages/app-shell';
import { BotPage, type AutoReply } from './pages/bot-page';
import { DashboardPage } from './pages/dashboard-page';
import { connectViaApi, createBotViaApi, scanWhenQrShows } from './support/api';
import { recordRequests } from './support/requests';
import { MAIN_URL } from './servers';

// The bot page (/bots/{id}): editing details and behaviour, live status and connection history,
// log out and delete through the confirm dialog, and the ways into /bots/{id}/link.

type StorageState = Awaited<ReturnType<APIRequestContext['storageState']>>;

// One account for this file, signed up once per worker through the API: sign-ups are limited to
// 20 per address in 10 minutes and the whole e2e run shares 127.0.0.1. Every test makes its own
// bots and finds them by id, so the other tests' bots on the dashboard do not matter.
const test = base.extend<object, { account: StorageState }>({
  account: [
    async ({ playwright }, use) => {
      const request = await playwright.request.newContext({ baseURL: MAIN_URL });
      const res = await request.post('/api/v1/auth/sign-up', { data: makeUser('Bea') });
      expect(res.status(), await res.text()).toBe(201);
      const state = await request.storageState();
      await request.dispose();
      await use(state);
    },
    { scope: 'worker' },
  ],
  storageState: async ({ account }, use) => use(account),
});

/** Marks the document; `isSamePage` is false after any full load (reload, hard navigation). */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { __e2eSamePage: boolean }).__e2eSamePage = true));
}
async function isSamePage(page: Page) {
  return page.evaluate(() => (window as unknown as { __e2eSamePage?: boolean }).__e2eSamePage === true);
}

const RULES: AutoReply[] = [
  { keyword: 'opening hours', match: 'Contains', reply: 'We are open 9 to 5, Monday to Friday.' },
  { keyword: 'PRICE', match: 'Is exactly', reply: 'Prices start at 10 EUR.' },
];

test('details and behaviour: saved edits show at once and survive a reload; an empty away message is explained and nothing is saved', async ({
  page,
  botPage,
}) => {
  const botId = await createBotViaApi(page.request, 'Edit me');
  await botPage.goto(botId);
  await expect(botPage.heading()).toHaveText('Edit me');
  // Nothing to save yet.
  await expect(botPage.details().getByRole('button', { name: 'Save details' })).toBeDisabled();

  // Details: an empty name is refused beside the field, and the header keeps the old name.
  await botPage.nameField().fill('   ');
  await botPage.saveDetails();
  await expect(botPage.nameField()).toHaveAttribute('aria-invalid', 'true');
  await expect(botPage.nameField()).toHaveAccessibleDescription('Enter a bot name.');
  await expect(botPage.heading()).toHaveText('Edit me');

  await botPage.nameField().fill('Reception desk');
  await expect(botPage.nameField()).not.toHaveAttribute('aria-invalid', 'true');
  await botPage.descriptionField().fill('Answers the front door.');
  await botPage.saveDetails();
  await expect(botPage.savedStatus('details')).toHaveText('Saved');
  await expect(botPage.heading()).toHaveText('Reception desk');
  await expect(botPage.headerDescription()).toHaveText('Answers the front door.');

  // Behaviour: two auto-replies, the away message with a time zone, a handoff keyword.
  await expect(botPage.behaviour().getByText('No auto-replies yet.')).toBeVisible();
  await botPage.addAutoReply(RULES[0]!);
  await botPage.addAutoReply(RULES[1]!);
  await expect(botPage.awayMessage()).toBeHidden();
  await botPage.awayToggle().check();
  await botPage.awayMessage().fill('We are closed right now. We answer in the morning.');
  await botPage.timeZone().selectOption('America/New_York');
  await botPage.handoffKeyword().fill('agent');
  await botPage.saveBehaviour();
  await expect(botPage.savedStatus('behaviour')).toHaveText('Saved');

  await botPage.reload();
  await expect(botPage.heading()).toHaveText('Reception desk');
  await expect(botPage.headerDescription()).toHaveText('Answers the front door.');
  await expect(botPage.nameField()).toHaveValue('Reception desk');
  await expect(botPage.descriptionField()).toHaveValue('Answers the front door.');
  await expect(botPage.autoReplyRows()).toHaveCount(2);
  await botPage.expectAutoReply(1, RULES[0]!);
  await botPage.expectAutoReply(2, RULES[1]!);
  await expect(botPage.awayToggle()).toBeChecked();
  await expect(botPage.awayMessage()).toHaveValue('We are closed right now. We answer in the morning.');
  await expect(botPage.timeZone()).toHaveValue('America/New_York');
  await expect(botPage.timeZone().locator('option:checked')).toHaveText('America/New York');
  await expect(botPage.handoffKeyword()).toHaveValue('agent');

  // Invalid: the away message on but empty. The error sits beside the field, which gets the
  // focus; nothing goes to the server.
  const requests = recordRequests(page);
  await botPage.awayMessage().fill('');
  await botPage.handoffKeyword().fill('human');
  await botPage.autoReply(2).remove.click();
  await botPage.saveBehaviour();
  await expect(botPage.awayMessage()).toHaveAttribute('aria-invalid', 'true');
  await expect(botPage.awayMessage()).toHaveAccessibleDescription('Enter the away message, or turn it off.');
  await expect(botPage.awayMessage()).toBeFocused();
  await expect(botPage.savedStatus('behaviour')).toHaveText('');
  expect(requests.all.filter((r) => r.method === 'PATCH')).toEqual([]);

  // Typing clears the error at once.
  await botPage.awayMessage().fill('x');
  await expect(botPage.awayMessage()).not.toHaveAttribute('aria-invalid', 'true');
  await botPage.awayMessage().fill('');

  await botPage.reload();
  await expect(botPage.autoReplyRows()).toHaveCount(2);
  await botPage.expectAutoReply(2, RULES[1]!);
  await expect(botPage.awayToggle()).toBeChecked();
  await expect(botPage.awayMessage()).toHaveValue('We are closed right now. We answer in the morning.');
  await expect(botPage.handoffKeyword()).toHaveValue('agent');
});

test('live status and history: linking and logging out show without a reload; the confirm dialog closes on Escape', async ({ page, botPage, shell }) => {
  const phone = { phoneNumber: '15550002001', displayName: 'Live Phone' };
  const botId = await createBotViaApi(page.request, 'Live bot');
  await botPage.goto(botId);
  await shell.expectLive();
  await botPage.expectStatus('DISCONNECTED', 'Not linked');
  await expect(botPage.whatsappValue('Phone number')).toHaveText('Not linked');
  await expect(botPage.whatsappValue('Last connected')).toHaveText('Never');
  await expect(botPage.history().getByText('No connection events yet')).toBeVisible();
  await expect(botPage.logoutButton()).toBeHidden();
  await markPage(page);

  // Linking, driven from outside the page (REST connect, the simulator's phone scans).
  await connectViaApi(page.request, botId);
  await botPage.expectStatus('QR_REQUIRED', 'Waiting for a scan');
  await scanWhenQrShows(page.request, botId, phone);
  await botPage.expectStatus('CONNECTED', 'Connected');
  await expect(botPage.whatsappValue('Phone number')).toHaveText(`+${phone.phoneNumber}`);
  await expect(botPage.whatsappValue('WhatsApp name')).toHaveText(phone.displayName);
  await expect(botPage.whatsappValue('Last connected').locator('time')).toBeVisible();
  await expect(botPage.linkButton()).toBeHidden();

  // History, newest first: CONNECTED on top, then the simulator's (and WhatsApp's) path there:
  // connect → STARTING, the QR, the scan ("paired"), the forced restart, CONNECTED.
  await expect.poll(() => botPage.historyStatuses()).toEqual(['CONNECTED', 'STARTING', 'STARTING', 'QR_REQUIRED', 'STARTING']);
  await expect(botPage.historyRow(0).phone).toHaveText(`+${phone.phoneNumber}`);
  await expect(botPage.historyRow(1).reason).toHaveText('WhatsApp restarted the session');
  await expect(botPage.historyRow(2).reason).toHaveText('Phone accepted the link');
  const times = await botPage.historyTimes();
  expect(times).toEqual([...times].sort().reverse());
  expect(await isSamePage(page)).toBe(true);

  // Keyboard: open the dialog with Enter; Cancel has the focus (destructive); Escape closes it
  // and gives the focus back to the button that opened it. Nothing changes.
  await botPage.logoutButton().focus();
  await page.keyboard.press('Enter');
  await expect(botPage.dialog().getByRole('heading', { name: 'Log out of WhatsApp?' })).toBeVisible();
  await expect(botPage.dialog().getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(botPage.dialog()).toBeHidden();
  await expect(botPage.logoutButton()).toBeFocused();
  await botPage.expectStatus('CONNECTED', 'Connected');

  // Log out for real.
  const rowsBefore = await botPage.historyRows().count();
  await botPage.openLogoutDialog();
  await expect(botPage.dialog()).toContainText('Live bot stops replying');
  await botPage.confirm('Log out');
  await expect(botPage.dialog()).toBeHidden();
  await botPage.expectStatus('DISCONNECTED', 'Not linked');
  await expect(botPage.whatsappValue('Phone number')).toHaveText('Not linked');
  await expect(botPage.whatsappValue('WhatsApp name')).toHaveCount(0);
  await expect(botPage.whatsappValue('Last change')).toHaveText('Logged out from Parley');
  await expect(botPage.historyRows()).toHaveCount(rowsBefore + 1);
  await expect(botPage.historyRow(0).status).toHaveAttribute('data-status', 'DISCONNECTED');
  await expect(botPage.historyRow(0).reason).toHaveText('Logged out from Parley');
  await expect(botPage.logoutButton()).toBeHidden();
  // It was linked before: linking again is a relink.
  await expect(botPage.linkButton('Relink WhatsApp')).toBeVisible();
  expect(await isSamePage(page)).toBe(true);
});

test('two tabs: deleting the bot on its page lands on the dashboard, and the other tab drops its row without a reload', async ({
  page,
  context,
  dashboard,
  shell,
}) => {
  const name = 'Doomed bot';
  const botId = await createBotViaApi(page.request, name);
  const keepId = await createBotViaApi(page.request, 'Survivor bot');

  // Tab A: the dashboard.
  await dashboard.goto();
  await shell.expectLive();
  await dashboard.expectBotStatus(botId, 'DISCONNECTED', 'Not linked');
  await markPage(page);
  const requestsA = recordRequests(page);

  // Tab B: the same account, on the bot's page.
  const tabB = await context.newPage();
  const botB = new BotPage(tabB);
  await botB.goto(botId);
  await new AppShell(tabB).expectLive();

  // Cancel first: nothing happens.
  await botB.openDeleteDialog(name);
  await expect(botB.dialog()).toContainText('This cannot be undone.');
  await botB.dialog().getByRole('button', { name: 'Cancel' }).click();
  await expect(botB.dialog()).toBeHidden();
  await expect(botB.deleteButton()).toBeFocused();
  await expect(dashboard.botRowById(botId)).toHaveCount(1);

  const deletedAt = Date.now();
  await botB.openDeleteDialog(name);
  await botB.confirm('Delete bot');
  await expect(tabB).toHaveURL(/\/dashboard$/);
  await expect(tabB.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const dashboardB = new DashboardPage(tabB);
  await expect(dashboardB.botRowById(keepId)).toBeVisible();
  await expect(dashboardB.botRowById(botId)).toHaveCount(0);
  await expect(tabB.getByRole('heading', { name: 'This bot was deleted' })).toHaveCount(0);

  // Tab A: the row goes by itself (bot_deleted), the other bot stays, no reload and no list read.
  await expect(dashboard.botRowById(botId)).toHaveCount(0);
  await expect(dashboard.botRowById(keepId)).toBeVisible();
  expect(await isSamePage(page)).toBe(true);
  expect(requestsA.botList(deletedAt)).toEqual([]);

  // The bot is gone for the API too.
  const res = await page.request.get(`/api/v1/bots/${botId}`);
  expect(res.status()).toBe(404);
});

test('dashboard "Link WhatsApp" opens /bots/{id}/link: QR, scan, "WhatsApp connected", back on the bot page', async ({ page, dashboard, linkStep, botPage }) => {
  const phone = { phoneNumber: '15550002002', displayName: 'Dashboard Phone' };
  const name = 'Linked from dashboard';
  const botId = await createBotViaApi(page.request, name);
  await dashboard.goto();
  await dashboard.expectBotStatus(botId, 'DISCONNECTED', 'Not linked');

  const action = dashboard.rowLinkAction(botId);
  await expect(action).toHaveText('Link WhatsApp');
  await expect(action).toHaveAccessibleName(`Link WhatsApp ${name}`);
  await action.click();
  await expect(page).toHaveURL(new RegExp(`/bots/${botId}/link$`));
  await expect(page.getByRole('heading', { level: 1, name: `Link WhatsApp to ${name}` })).toBeVisible();

  await linkStep.showQr();
  await scanWhenQrShows(page.request, botId, phone);
  await linkStep.expectLinked(phone);
  const openNow = linkStep.success().getByRole('link', { name: 'Open bot now' });
  // Focused, so Enter continues at once; and at once means within SWR's 2 s dedupe window of
  // the link page's own read of this bot: the pushed status must already be in the cache.
  await expect(openNow).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/bots/${botId}$`));
  await botPage.expectStatus('CONNECTED', 'Connected');
  await expect(botPage.whatsappValue('Phone number')).toHaveText(`+${phone.phoneNumber}`);

  // Back on the dashboard the row is linked: no link action, a Log out one instead.
  await dashboard.goto();
  await dashboard.expectBotStatus(botId, 'CONNECTED', 'Connected');
  await expect(dashboard.rowLinkAction(botId)).toHaveCount(0);
  await expect(dashboard.botRowById(botId).getByRole('button', { name: `Log out ${name}` })).toBeVisible();
});

test('resume: a bot left after wizard step 1 is linked later from its page', async ({ page, dashboard, shell, wizard, botPage, linkStep }) => {
  const phone = { phoneNumber: '15550002003', displayName: 'Resumed Phone' };
  // From a dashboard loaded a moment ago: coming back within SWR's 2 s dedupe window must still
  // show the new bot (the pushed bot_status_update appends it to the cached list).
  await dashboard.goto();
  await dashboard.expectLoaded();
  await page.getByRole('link', { name: 'Create bot' }).first().click();
  const botId = await wizard.createBot('Resumed bot');

  // Leave the wizard after step 1.
  await shell.navigate('Dashboard');
  await dashboard.expectBotStatus(botId, 'DISCONNECTED', 'Not linked');
  await dashboard.openBot(botId);
  await botPage.expectLoaded(botId);
  await expect(botPage.heading()).toHaveText('Resumed bot');
  await botPage.expectStatus('DISCONNECTED', 'Not linked');
  await expect(botPage.logoutButton()).toBeHidden();

  await botPage.linkButton().click();
  await expect(page).toHaveURL(new RegExp(`/bots/${botId}/link$`));
  await linkStep.showQr();
  await scanWhenQrShows(page.request, botId, phone);
  await linkStep.expectLinked(phone);
  // On its own after the countdown.
  await expect(page).toHaveURL(new RegExp(`/bots/${botId}$`), { timeout: 6_000 });
  await botPage.expectStatus('CONNECTED', 'Connected');
  await expect(botPage.whatsappValue('WhatsApp name')).toHaveText(phone.displayName);
  await expect(botPage.logoutButton()).toBeVisible();
  await expect(botPage.linkButton()).toBeHidden();
  await expect(botPage.historyRow(0).status).toHaveAttribute('data-status', 'CONNECTED');
});
