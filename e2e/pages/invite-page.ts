import { expect, type Page } from '@playwright/test';

/** /invite/{token}: what the invitation is, and accept / sign in / create an account. */
export class InvitePage {
  constructor(private readonly page: Page) {}

  async goto(url: string) {
    await this.page.goto(url);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  summary() {
    return this.page.getByTestId('invite-summary');
  }

  async accept(workspaceName: string) {
    await this.page.getByRole('button', { name: `Accept and join ${workspaceName}` }).click();
    await expect(this.page).toHaveURL(/\/inbox$/);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  }
}
