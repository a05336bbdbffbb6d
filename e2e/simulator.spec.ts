import { expect, test } from './fixtures';
import { SimulatorPage } from './pages/simulator-page';

// Every test here starts as a new user on the simulator page with one fresh test bot.
test.beforeEach(async ({ signUpPage, shell, newUser }) => {
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await shell.expectLive();
});

test('simulator: link a bot by "scanning" its QR code; the status arrives over the socket, not by polling', async ({ page }) => {
  const simulator = new SimulatorPage(page);
  await simulator.open();
  const card = await simulator.createTestBot();
  await expect(simulator.status(card)).toHaveText('Not linked');
  await simulator.startLinking(card);

  // From the scan on, the page must learn about the link from pushed events alone.
  const statusReads: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (req.method() === 'GET' && (url.pathname.startsWith('/api/v1/bots') || url.pathname.startsWith('/api/v1/whatsapp/'))) statusReads.push(url.pathname);
  });
  await simulator.scan(card, { phoneNumber: '+1 555 000 1234', displayName: 'Ana Phone' });
  await expect(simulator.status(card)).toHaveText('Linked');
  await expect(card.getByText('Linked as +15550001234 (Ana Phone)')).toBeVisible();
  expect(statusReads).toEqual([]);

  await simulator.sendAsContact(card, 'Hello bot');
  await expect(card.getByRole('list', { name: 'Sent messages' })).toContainText('Hello bot');

  await simulator.dropConnection(card, 'Logged out from the phone');
  await expect(simulator.status(card)).toHaveText('Logged out');
  await expect(card.getByRole('button', { name: /Start linking/ })).toBeEnabled();
});

test('simulator: invalid input is explained next to the field', async ({ page }) => {
  const simulator = new SimulatorPage(page);
  await simulator.open();
  const card = await simulator.createTestBot();
  await simulator.startLinking(card);
  await simulator.scan(card, { phoneNumber: '12', displayName: 'x' });
  await expect(card.getByText('Enter the phone number with country code, digits only (8–15 digits).')).toBeVisible();
  await expect(simulator.status(card)).toHaveText('Waiting for a scan');
});
