import { expect, type Page } from '@playwright/test';

export class SettingsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/settings');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  }

  async renameWorkspace(name: string) {
    await this.page.getByLabel('Workspace name').fill(name);
    await this.page.getByRole('button', { name: 'Save' }).click();
    await expect(this.page.getByText('Saved.')).toBeVisible();
  }
}
