import { expect, type Locator, type Page } from '@playwright/test';

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

  /** Settings → Members: invites by email and role; returns the one-time link it shows. */
  async invite(email: string, role: 'Agent' | 'Admin'): Promise<string> {
    const members = this.members();
    await members.getByLabel('Email').fill(email);
    await members.getByLabel('Role').selectOption({ label: role === 'Agent' ? 'Agent — reads bots, answers conversations' : 'Admin — also manages bots and members' });
    await members.getByRole('button', { name: 'Create invite link' }).click();
    const link = members.getByLabel(`Invitation link for ${email.toLowerCase()}`);
    await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]{43}$/);
    return link.inputValue();
  }

  members(): Locator {
    return this.page.getByRole('region', { name: 'Members' });
  }

  memberRow(name: string): Locator {
    return this.page.getByTestId('member-row').filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });
  }

  pendingInvite(email: string): Locator {
    return this.page.getByTestId('pending-invite').filter({ hasText: email });
  }

  async removeMember(name: string) {
    await this.memberRow(name).getByRole('button', { name: `Remove ${name}` }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Remove member' }).click();
    await expect(this.memberRow(name)).toHaveCount(0);
  }
}
