import { expect, type Page } from '@playwright/test';

/** The signed-in chrome: header (workspace, connection indicator, sign out) and sidebar. */
export class AppShell {
  constructor(private readonly page: Page) {}

  connectionIndicator() {
    return this.page.locator('header .connection-indicator');
  }

  async expectLive() {
    await expect(this.connectionIndicator()).toHaveAttribute('data-status', 'connected');
    await expect(this.connectionIndicator()).toHaveText('Live');
  }

  workspaceName() {
    return this.page.getByTestId('workspace-name');
  }

  async navigate(label: 'Dashboard' | 'Inbox' | 'Settings') {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: label })).toBeVisible();
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
  }
}
