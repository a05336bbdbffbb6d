import { randomBytes } from 'node:crypto';
import { cloudTextMessage, FAKE_PHONE_NUMBER_ID, signWebhook, webhookFor } from '@/test/fake-graph-server';
import { expect, test } from './fixtures';
import { InboxPage } from './pages/inbox-page';
import { E2E_GRAPH, MAIN_URL } from './servers';

// A Cloud API bot made in the browser: the wizard checks its credentials against the fake Graph
// API (the e2e servers' stand-in for Meta), Meta's signed webhook brings a message into the inbox,
// and the agent's reply leaves through the Graph API.

async function graphSent(): Promise<{ to: string; text: string }[]> {
  const res = await fetch(`http://127.0.0.1:${E2E_GRAPH.port}/__fake/sent`);
  return ((await res.json()) as { sent: { to: string; text: string }[] }).sent;
}

test('wizard: a Cloud API bot is connected with Meta credentials, receives a signed webhook message, and the reply goes out through Graph', async ({
  page,
  signUpPage,
  dashboard,
  wizard,
  newUser,
}) => {
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await wizard.openFromDashboard();
  const botId = await wizard.createBot('Cloud desk', 'cloud_api');
  await wizard.saveBehaviour('cloud_api');
  await expect(page.getByTestId('cloud-webhook-url')).toHaveText(`${MAIN_URL}/api/whatsapp/webhook`);

  // A wrong token: Meta's refusal is shown at the field, and nothing is connected.
  const appSecret = randomBytes(16).toString('hex');
  await wizard.fillCloudCredentials({ phoneNumberId: FAKE_PHONE_NUMBER_ID, accessToken: 'EAAGwrong-token-0123456789', appSecret });
  await expect(page.getByLabel('Access token')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('form').getByRole('alert')).toContainText('Meta rejected these credentials');

  await wizard.fillCloudCredentials({ phoneNumberId: FAKE_PHONE_NUMBER_ID, accessToken: E2E_GRAPH.accessToken, appSecret });
  await expect(page.getByTestId('cloud-connected')).toContainText('+15550102000');
  await expect(page.getByRole('link', { name: 'Open Cloud desk' })).toBeVisible();

  // Meta delivers a message: signed with the app secret, routed by the phone number id.
  const contact = `4477009${String(Date.now()).slice(-5)}`;
  const raw = JSON.stringify(webhookFor(FAKE_PHONE_NUMBER_ID, cloudTextMessage({ from: contact, name: 'Cleo Cloud', text: 'Hello from the Cloud API' })));
  const delivered = await fetch(`${MAIN_URL}/api/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(appSecret, raw) },
    body: raw,
  });
  expect(delivered.status).toBe(200);

  const inbox = new InboxPage(page);
  await inbox.goto();
  await inbox.open('Cleo Cloud');
  await expect(inbox.bubble('Hello from the Cloud API')).toBeVisible();
  await inbox.reply('Hi Cleo, answered through the Cloud API.');
  await expect.poll(async () => (await graphSent()).filter((m) => m.to === contact).map((m) => m.text)).toEqual(['Hi Cleo, answered through the Cloud API.']);
  await expect(inbox.bubble('Hi Cleo, answered through the Cloud API.')).toHaveAttribute('data-status', 'sent');

  // The bot page offers the Cloud API's own actions, not a QR link.
  await page.goto(`/bots/${botId}`);
  await expect(page.getByRole('link', { name: 'Cloud API settings' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Disconnect Cloud API' })).toBeVisible();
});
