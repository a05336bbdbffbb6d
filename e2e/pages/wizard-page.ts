import { expect, type Page } from '@playwright/test';
import { LinkStep } from './link-step';

/** /bots/new: name → behaviour → link WhatsApp → done. */
export class WizardPage {
  readonly link: LinkStep;

  constructor(private readonly page: Page) {
    this.link = new LinkStep(page);
  }

  /** From the dashboard's page header (a client-side link, like a user would). */
  async openFromDashboard() {
    await this.page.getByRole('main').locator('.page-header').getByRole('link', { name: 'Create bot' }).click();
    await this.expectOpen();
  }

  /** Straight to /bots/new (a full page load). */
  async goto() {
    await this.page.goto('/bots/new');
    await this.expectOpen();
  }

  async expectOpen() {
    await expect(this.page).toHaveURL(/\/bots\/new/);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Create bot' })).toBeVisible();
  }

  /** Step 1. Returns the new bot's id, which the wizard puts in the URL. */
  async createBot(name: string, channel: 'whatsapp_web' | 'cloud_api' = 'whatsapp_web'): Promise<string> {
    await expect(this.page.getByRole('heading', { name: 'Name your bot' })).toBeVisible();
    if (channel === 'cloud_api') await this.page.getByRole('radio', { name: /WhatsApp Business Cloud API/ }).check();
    await this.page.getByLabel('Bot name').fill(name);
    await this.page.getByRole('button', { name: 'Create bot' }).click();
    await expect(this.page).toHaveURL(/\/bots\/new\?bot=[^&]+&step=behaviour/);
    await expect(this.page.getByRole('heading', { name: `How should ${name} reply?` })).toBeVisible();
    const botId = new URL(this.page.url()).searchParams.get('bot');
    if (!botId) throw new Error(`no bot id in ${this.page.url()}`);
    return botId;
  }

  /** Step 2 with the defaults. */
  async saveBehaviour(channel: 'whatsapp_web' | 'cloud_api' = 'whatsapp_web') {
    await this.page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(this.page).toHaveURL(/step=link/);
    if (channel === 'cloud_api') await expect(this.page.getByRole('heading', { name: 'Connect the WhatsApp Business Cloud API' })).toBeVisible();
    else await expect(this.link.showQrButton()).toBeVisible();
  }

  /** Step 3 of a Cloud API bot: Meta's credentials. */
  async fillCloudCredentials(c: { phoneNumberId: string; accessToken: string; appSecret: string; verifyToken?: string }) {
    await this.page.getByLabel('Phone number ID').fill(c.phoneNumberId);
    await this.page.getByLabel('Access token').fill(c.accessToken);
    await this.page.getByLabel('App secret').fill(c.appSecret);
    if (c.verifyToken) await this.page.getByLabel('Verify token').fill(c.verifyToken);
    else await this.page.getByRole('button', { name: 'Generate a verify token' }).click();
    await this.page.getByRole('button', { name: /Connect|Save new credentials/ }).click();
  }
}
