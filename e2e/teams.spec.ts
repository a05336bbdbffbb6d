import type { Browser } from '@playwright/test';
import { MAIN_URL } from './servers';
import { expect, makeUser, test } from './fixtures';
import { AppShell } from './pages/app-shell';
import { DashboardPage } from './pages/dashboard-page';
import { InboxPage } from './pages/inbox-page';
import { InvitePage } from './pages/invite-page';
import { SignInPage } from './pages/sign-in-page';
import { SignUpPage } from './pages/sign-up-page';
import { contactSays, inviteViaApi, linkedBotViaApi, ownWorkspaceId } from './support/api';

// Teams on the production server: an owner invites an agent by link, the agent accepts in a
// second browser, works the inbox, and can look at but not manage bots.

/** A second browser (its own cookies and socket). */
async function secondBrowser(browser: Browser) {
  const context = await browser.newContext({ baseURL: MAIN_URL });
  const page = await context.newPage();
  return { context, page, shell: new AppShell(page), inbox: new InboxPage(page), dashboard: new DashboardPage(page), invite: new InvitePage(page) };
}

test.beforeEach(async ({ page, newUser }) => {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newUser);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});

test('owner invites, the agent accepts through the link, answers in the inbox, and cannot manage bots', async ({ page, browser, settings, shell, newUser }) => {
  const workspaceName = await shell.workspaceName().innerText();
  const botId = await linkedBotViaApi(page.request, 'Acme Support');
  await contactSays(page.request, botId, '491700000001', 'Hi, anyone there?', 'Lina');

  // The owner invites an agent from Settings and copies the link.
  const agentUser = makeUser('Agnes');
  await settings.goto();
  const link = await settings.invite(agentUser.email, 'Agent');
  await expect(settings.pendingInvite(agentUser.email.toLowerCase())).toContainText('Agent');

  // The agent opens the link in their own browser, creates an account, comes back and accepts.
  const agent = await secondBrowser(browser);
  await agent.invite.goto(link);
  await expect(agent.invite.heading()).toHaveText(`Join ${workspaceName}`);
  await expect(agent.invite.summary()).toContainText(`${newUser.name} invited ${agentUser.email.toLowerCase()}`);
  await agent.page.getByRole('link', { name: 'Create an account' }).click();
  const signUp = new SignUpPage(agent.page);
  await expect(agent.page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await signUp.signUp(agentUser);
  await expect(agent.page).toHaveURL(link);
  await agent.invite.accept(workspaceName);

  // The owner's member list shows the agent at once (pushed), and the invite is no longer pending.
  await expect(settings.memberRow(agentUser.name)).toContainText('Agent');
  await expect(settings.pendingInvite(agentUser.email.toLowerCase())).toHaveCount(0);

  // The agent is in the owner's workspace: the inbox has its conversation, and they answer.
  await expect(agent.shell.workspaceName()).toHaveText(workspaceName);
  await agent.shell.expectLive();
  await agent.inbox.open('Lina');
  await agent.inbox.reply('Hello Lina, Agnes here.');
  await expect(agent.inbox.bubble('Hello Lina, Agnes here.')).toHaveAttribute('data-status', /sent|delivered|read/);

  // The dashboard shows the bot without any managing action, and says why.
  await agent.shell.navigate('Dashboard');
  const row = agent.dashboard.botRowById(botId);
  await expect(row).toBeVisible();
  await expect(row.getByRole('link', { name: 'Open Acme Support' })).toBeVisible();
  await expect(row.getByRole('button')).toHaveCount(0);
  await expect(agent.page.getByTestId('read-only-note')).toContainText('only owners and admins');
  await expect(agent.page.getByRole('link', { name: 'Create bot' })).toHaveCount(0);

  // The bot page is read-only too.
  await agent.dashboard.openBot(botId);
  await expect(agent.page.getByTestId('read-only-note')).toBeVisible();
  await expect(agent.page.getByRole('button', { name: 'Delete bot' })).toHaveCount(0);
  await expect(agent.page.getByLabel('Bot name')).toBeDisabled();

  // And the API refuses what the UI does not offer.
  const refused = await agent.page.request.delete(`/api/v1/bots/${botId}`);
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  expect((await page.request.get(`/api/v1/bots/${botId}`)).status()).toBe(200);

  // Switching to their own workspace shows its (empty) inbox; the choice survives a reload.
  await agent.shell.navigate('Inbox');
  await agent.shell.switchWorkspace(`${agentUser.name.split(' ')[0]}'s workspace`);
  await expect(agent.page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();
  await agent.page.reload();
  await expect(agent.shell.workspaceName()).toHaveText(`${agentUser.name.split(' ')[0]}'s workspace`);
  await agent.shell.switchWorkspace(workspaceName);
  await expect(agent.inbox.row('Lina')).toBeVisible();

  // Removed by the owner: the agent's open tab is told at once and falls back to their own workspace.
  await settings.removeMember(agentUser.name);
  await expect(agent.page.getByTestId('membership-notice')).toContainText(`You were removed from ${workspaceName}`);
  await expect(agent.shell.workspaceName()).toHaveText(`${agentUser.name.split(' ')[0]}'s workspace`);
  await expect(agent.inbox.row('Lina')).toHaveCount(0);
  expect((await agent.page.request.get(`/api/v1/bots/${botId}`)).status()).toBe(403);
  await agent.context.close();
});

test('an invitation works only for its address, and not after it is withdrawn', async ({ page, browser, shell }) => {
  const workspaceName = await shell.workspaceName().innerText();
  const invited = makeUser('Ivan');
  const token = await inviteViaApi(page.request, await ownWorkspaceId(page.request), invited.email);

  // Someone else, signed in, opens the link: told whose it is, offered to switch accounts.
  const other = await secondBrowser(browser);
  const otherUser = makeUser('Olga');
  const signUp = new SignUpPage(other.page);
  await signUp.goto();
  await signUp.signUp(otherUser);
  await expect(other.page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await other.invite.goto(`/invite/${token}`);
  await expect(other.page.getByRole('main').getByRole('alert')).toContainText(`This invitation is for ${invited.email.toLowerCase()}, but you are signed in as ${otherUser.email.toLowerCase()}`);
  expect((await other.page.request.post('/api/v1/invites/accept', { data: { token } })).status()).toBe(403);

  // "Sign out and use another account" leads through sign-in back to the invitation.
  await other.page.getByRole('button', { name: 'Sign out and use another account' }).click();
  await new SignInPage(other.page).expectVisible();
  await expect(other.page).toHaveURL(new RegExp(`next=${encodeURIComponent(`/invite/${token}`)}`));

  // Withdrawn: the page says so, and accepting is refused.
  const workspaceId = await ownWorkspaceId(page.request);
  const list = (await (await page.request.get(`/api/v1/workspaces/${workspaceId}/invites`)).json()) as { invites: { id: string; email: string }[] };
  const inviteId = list.invites.find((i) => i.email === invited.email.toLowerCase())!.id;
  expect((await page.request.delete(`/api/v1/workspaces/${workspaceId}/invites/${inviteId}`)).status()).toBe(204);
  await other.invite.goto(`/invite/${token}`);
  await expect(other.invite.heading()).toHaveText('This invitation was withdrawn');
  await expect(other.page.getByText(workspaceName)).toHaveCount(0);
  await other.invite.goto(`/invite/${'x'.repeat(43)}`);
  await expect(other.invite.heading()).toHaveText('Invitation not found');
  await other.context.close();
});
