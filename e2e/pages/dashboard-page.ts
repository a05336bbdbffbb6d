import { expect, type Page } from '@playwright/test';

export class DashboardPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/dashboard');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  }

  /** The list has loaded (rows or the empty state), so its read is in SWR's cache. */
  async expectLoaded() {
    await expect(this.page.getByText('Loading bots…')).toHaveCount(0);
    await expect(this.page.getByTestId('bot-row').or(this.emptyState()).first()).toBeVisible();
  }

  /** The empty state's own region: the page header has a "Create bot" link too. */
  emptyState() {
    return this.page.getByRole('region', { name: 'No bots yet' });
  }

  async expectEmpty() {
    await expect(this.page).toHaveURL(/\/dashboard$/);
    await expect(this.emptyState().getByRole('heading', { name: 'No bots yet' })).toBeVisible();
    await expect(this.emptyState().getByRole('link', { name: 'Create bot' })).toBeVisible();
  }

  /** A bot's row, found by its name link (exact, so "Open {name}" does not match). */
  botRow(name: string) {
    return this.page.getByTestId('bot-row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  /** A bot's row by id (`data-bot-id`). */
  botRowById(botId: string) {
    return this.page.locator(`[data-testid="bot-row"][data-bot-id="${botId}"]`);
  }

  /** The row's status badge; `data-status` holds the session status (CONNECTED, QR_REQUIRED…). */
  botStatus(botId: string) {
    return this.botRowById(botId).getByTestId('bot-status');
  }

  async expectBotStatus(botId: string, status: string, label?: string) {
    await expect(this.botStatus(botId)).toHaveAttribute('data-status', status);
    if (label) await expect(this.botStatus(botId)).toHaveText(label);
  }

  /** The row's "Link WhatsApp" / "Relink" action: a link to /bots/{id}/link, named after the bot. */
  rowLinkAction(botId: string) {
    return this.botRowById(botId).getByRole('link', { name: /^(Link WhatsApp|Relink) / });
  }

  /** Opens a bot's page from its row's name link (client-side navigation). */
  async openBot(botId: string) {
    await this.botRowById(botId).getByRole('rowheader').getByRole('link').click();
    await expect(this.page).toHaveURL(new RegExp(`/bots/${botId}$`));
  }
}
