import { expect, type Page } from '@playwright/test';

declare global {
  interface Window {
    /** Every text the connection indicator showed since `recordIndicator()`. */
    __e2eIndicator?: { text: string; status: string | null; at: number }[];
  }
}

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

  async expectOffline(timeout = 20_000) {
    await expect(this.connectionIndicator()).toHaveAttribute('data-status', 'offline', { timeout });
    await expect(this.connectionIndicator()).toHaveText('Offline — polling');
  }

  /** Logs every change of the indicator (text and data-status) from inside the page. */
  async recordIndicator() {
    await this.connectionIndicator().evaluate((el) => {
      const log: NonNullable<Window['__e2eIndicator']> = [];
      window.__e2eIndicator = log;
      const snap = () => {
        const entry = { text: el.textContent ?? '', status: el.getAttribute('data-status'), at: Date.now() };
        const last = log[log.length - 1];
        if (!last || last.text !== entry.text || last.status !== entry.status) log.push(entry);
      };
      snap();
      new MutationObserver(snap).observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
    });
  }

  /** What `recordIndicator()` saw (also catches a re-mounted indicator: it is then missing). */
  async indicatorLog() {
    return this.page.evaluate(() => ({
      log: window.__e2eIndicator ?? null,
      stillObserved: document.querySelector('header .connection-indicator') !== null,
    }));
  }

  workspaceName() {
    return this.page.getByTestId('workspace-name');
  }

  /** The header's workspace menu (users in several workspaces). */
  async switchWorkspace(name: string) {
    await this.page.getByRole('button', { name: /switch workspace/ }).click();
    await this.page.getByRole('menuitemradio', { name: new RegExp(`^${name}`) }).click();
    await expect(this.workspaceName()).toHaveText(name);
  }

  async navigate(label: 'Dashboard' | 'Inbox' | 'Settings') {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: label })).toBeVisible();
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
  }
}
