import type { APIRequestContext, Browser } from '@playwright/test';
import { MAIN_URL } from './servers';
import { expect, makeUser, test } from './fixtures';
import { InboxPage } from './pages/inbox-page';
import { SignUpPage } from './pages/sign-up-page';
import { contactInbox, contactSays, inviteViaApi, linkedBotViaApi, ownWorkspaceId } from './support/api';
import { note } from './support/note';
import { recordRequests } from './support/requests';

// The inbox on the production server with the simulated phone: contacts write through the
// simulator's dev API (what WhatsApp would deliver), agents answer in the browser.

const SETTINGS = {
  welcomeMessage: 'Welcome to Acme! Ask about prices, or type "agent" for a person.',
  autoReplies: [{ pattern: 'price', reply: 'Our prices start at $10.', match: 'contains' }],
  fallbackReply: '',
  handoffKeyword: 'agent',
};

let phoneCounter = 0;
const newContact = () => `4917${String(Date.now()).slice(-6)}${String(++phoneCounter).padStart(2, '0')}`;

/**
 * Another agent of the workspace in another browser (their own account, cookies and socket):
 * invited by the owner, signed up, and joined through the invitation.
 */
async function secondAgent(browser: Browser, owner: APIRequestContext) {
  const context = await browser.newContext({ baseURL: MAIN_URL });
  const page = await context.newPage();
  const agent = makeUser('Agnes');
  const token = await inviteViaApi(owner, await ownWorkspaceId(owner), agent.email, 'agent');
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(agent);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  // Accepting also selects the owner's workspace for this browser.
  const accepted = await page.request.post('/api/v1/invites/accept', { data: { token } });
  expect(accepted.status(), await accepted.text()).toBe(200);
  return { context, page, inbox: new InboxPage(page) };
}

test.beforeEach(async ({ page, newUser }) => {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newUser);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});

test('a contact message appears in the open inbox at once, another agent’s badges follow, and the reply reaches the contact', async ({
  page,
  browser,
  shell,
}) => {
  const botId = await linkedBotViaApi(page.request, 'Acme Support', SETTINGS);
  const inbox = new InboxPage(page);
  const contact = newContact();
  await contactSays(page.request, botId, contact, 'Hi there', 'Lina');
  await inbox.goto();
  await shell.expectLive();
  await inbox.open('Lina');
  // The bot welcomed her (the phone got it too).
  await expect(inbox.bubble('Welcome to Acme!')).toBeVisible();
  await expect.poll(() => contactInbox(page.request, botId, contact)).toContain(SETTINGS.welcomeMessage);

  const other = await secondAgent(browser, page.request);
  await other.inbox.goto();
  await expect(other.inbox.row('Lina')).toBeVisible();

  // A new message, timed from the dev API call (Node clock) to the DOM (page clock, same machine).
  await inbox.markWhenVisible('What is the price?');
  const sentAt = Date.now();
  await contactSays(page.request, botId, contact, 'What is the price?');
  await expect(inbox.bubble('What is the price?')).toBeVisible();
  const latency = Math.round((await inbox.seenAt()) - sentAt);
  note('contact message → visible in the open thread', `${latency} ms`);
  await expect(inbox.bubble('Our prices start at $10.')).toBeVisible();
  // Read here (the thread is open), so nothing is unread for the other agent either.
  await expect(other.inbox.unreadOf('Lina')).toHaveCount(0);

  // A second contact writes: unread for both agents, without a reload.
  await contactSays(page.request, botId, newContact(), 'Hello?', 'Marek');
  await expect(other.inbox.unreadOf('Marek')).toHaveText('1');
  await expect(other.inbox.sidebarUnread()).toHaveText('1');
  await expect(inbox.unreadOf('Marek')).toHaveText('1');
  // The other agent reads it: the badge clears here too (read state is the workspace's).
  await other.inbox.open('Marek');
  await expect(inbox.unreadOf('Marek')).toHaveCount(0);
  await expect(inbox.sidebarUnread()).toHaveCount(0);

  // The agent answers Lina: it reaches her phone, and the bot stays quiet from now on.
  await inbox.reply('Hi Lina, I am Dana from Acme.');
  await expect(inbox.bubble('Hi Lina, I am Dana from Acme.')).toHaveAttribute('data-status', /sent|delivered|read/);
  await expect.poll(() => contactInbox(page.request, botId, contact)).toContain('Hi Lina, I am Dana from Acme.');
  await expect(page.getByTestId('bot-paused')).toBeVisible();
  await contactSays(page.request, botId, contact, 'price again?');
  await expect(inbox.bubble('price again?')).toBeVisible();
  await page.waitForTimeout(1_500);
  expect((await contactInbox(page.request, botId, contact)).filter((t) => t === 'Our prices start at $10.')).toHaveLength(1);
  await other.context.close();
});

test('the handoff keyword stops the bot and flags the conversation; resuming the bot lets it answer again', async ({ page }) => {
  const botId = await linkedBotViaApi(page.request, 'Acme Support', SETTINGS);
  const inbox = new InboxPage(page);
  await inbox.goto();
  const contact = newContact();
  await contactSays(page.request, botId, contact, 'I want an agent please', 'Omar');
  await expect(inbox.row('Omar')).toContainText('Needs a person');
  await inbox.open('Omar');
  await expect(page.getByTestId('bot-paused')).toBeVisible();

  // The bot no longer answers anything here, not even a rule it knows.
  await contactSays(page.request, botId, contact, 'what is the price');
  await expect(inbox.bubble('what is the price')).toBeVisible();
  await page.waitForTimeout(1_500);
  expect(await contactInbox(page.request, botId, contact)).toEqual([]);

  // The agent hands it back to the bot: the flag clears and the bot answers the next message.
  await inbox.action('Resume bot').click();
  await expect(page.getByTestId('bot-paused')).toHaveCount(0);
  await expect(inbox.row('Omar')).not.toContainText('Needs a person');
  await contactSays(page.request, botId, contact, 'price?');
  await expect.poll(() => contactInbox(page.request, botId, contact)).toContain('Our prices start at $10.');
  await expect(inbox.bubble('Our prices start at $10.')).toBeVisible();
});

test('an open inbox makes no conversation or message requests for 60 s while the socket is healthy', async ({ page, shell }) => {
  test.setTimeout(120_000);
  const botId = await linkedBotViaApi(page.request, 'Acme Support', SETTINGS);
  await contactSays(page.request, botId, newContact(), 'Hello', 'Idle Ida');
  const inbox = new InboxPage(page);
  await inbox.goto();
  await inbox.open('Idle Ida');
  await expect(inbox.bubble('Welcome to Acme!')).toBeVisible();
  await shell.expectLive();

  const requests = recordRequests(page);
  const since = Date.now();
  await page.waitForTimeout(60_000);
  const inboxReads = requests.since(since).filter((r) => r.path.startsWith('/api/v1/conversations') || r.path.startsWith('/api/v1/bots'));
  note('inbox idle 60 s', `${requests.since(since).length} requests in all, ${inboxReads.length} for conversations, messages or bots`);
  expect(inboxReads).toEqual([]);
  await shell.expectLive();
});

test('a new account sees the empty inbox and its explanation', async ({ page }) => {
  const inbox = new InboxPage(page);
  await inbox.goto();
  await expect(page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Choose a conversation' })).toBeVisible();
});
