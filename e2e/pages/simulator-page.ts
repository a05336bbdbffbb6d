import { expect, type Locator, type Page } from '@playwright/test';

/** /simulator: the fake phone that links bots and chats as a contact. */
export class SimulatorPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phone simulator' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Phone simulator' })).toBeVisible();
  }

  async createTestBot(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Create a test bot' }).click();
    const card = this.page.locator('section.simulator__phone').first();
    await expect(card).toBeVisible();
    return card;
  }

  status(card: Locator) {
    return card.getByTestId('sim-status');
  }

  async startLinking(card: Locator) {
    await card.getByRole('button', { name: /Start linking/ }).click();
    await expect(this.status(card)).toHaveText('Waiting for a scan');
  }

  async scan(card: Locator, phone: { phoneNumber: string; displayName: string }) {
    await card.getByLabel('Phone number (optional)').fill(phone.phoneNumber);
    await card.getByLabel('Profile name (optional)').fill(phone.displayName);
    await card.getByRole('button', { name: 'Scan QR code' }).click();
  }

  async sendAsContact(card: Locator, text: string) {
    await card.getByLabel('Message').fill(text);
    await card.getByRole('button', { name: 'Send as contact' }).click();
  }

  async dropConnection(card: Locator, reason: string) {
    await card.getByLabel('Drop the connection').selectOption({ label: reason });
    await card.getByRole('button', { name: 'Disconnect' }).click();
  }
}
