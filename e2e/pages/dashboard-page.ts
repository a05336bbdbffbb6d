import { expect, type Page } from '@playwright/test';

export class DashboardPage {
  constructor(private readonly page: Page) {}

  async expectEmpty() {
    await expect(this.page).toHaveURL(/\/dashboard$/);
    await expect(this.page.getByRole('heading', { name: 'No bots yet' })).toBeVisible();
    await expect(this.page.getByRole('link', { name: 'Create bot' })).toBeVisible();
  }
}
