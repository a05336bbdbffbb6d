import { expect, type Locator, type Page } from '@playwright/test';

export interface AutoReply {
  keyword: string;
  match: 'Contains' | 'Is exactly' | 'Starts with';
  reply: string;
}

/**
 * /bots/{id}: header (name, status badge, Link / Log out / Delete), the WhatsApp card, the
 * Details and Behaviour forms, the connection history, and the one confirm dialog.
 */
export class BotPage {
  constructor(private readonly page: Page) {}

  async goto(botId: string) {
    await this.page.goto(`/bots/${botId}`);
    await this.expectLoaded();
  }

  async expectLoaded(botId?: string) {
    if (botId) await expect(this.page).toHaveURL(new RegExp(`/bots/${botId}$`));
    await expect(this.statusBadge()).toBeVisible();
    await expect(this.details().getByLabel('Bot name')).toBeVisible();
  }

  /** Reloads the tab and waits for the bot to be shown again. */
  async reload() {
    await this.page.reload();
    await this.expectLoaded();
  }

  // --- header ---------------------------------------------------------------------------

  header(): Locator {
    return this.page.getByRole('main').locator('.page-header');
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The header's description line (the paragraph under the h1). */
  headerDescription(): Locator {
    return this.header().getByRole('paragraph');
  }

  /** The header's badge; `data-status` holds the session status. */
  statusBadge(): Locator {
    return this.page.getByTestId('bot-status');
  }

  async expectStatus(status: string, label: string) {
    await expect(this.statusBadge()).toHaveAttribute('data-status', status);
    await expect(this.statusBadge()).toHaveText(label);
  }

  /** "Link WhatsApp" or "Relink WhatsApp" in the header (a link to /bots/{id}/link). */
  linkButton(name: 'Link WhatsApp' | 'Relink WhatsApp' = 'Link WhatsApp'): Locator {
    return this.header().getByRole('link', { name, exact: true });
  }

  logoutButton(): Locator {
    return this.header().getByRole('button', { name: 'Log out of WhatsApp' });
  }

  deleteButton(): Locator {
    return this.header().getByRole('button', { name: 'Delete bot' });
  }

  // --- WhatsApp card ----------------------------------------------------------------------

  whatsapp(): Locator {
    return this.page.getByRole('region', { name: 'WhatsApp' });
  }

  /** The value (`dd`) after a term (`dt`) in the WhatsApp card: "Phone number", "WhatsApp name"… */
  whatsappValue(term: string): Locator {
    return this.whatsapp().locator(`dt:text-is("${term}") + dd`);
  }

  // --- Details ----------------------------------------------------------------------------

  details(): Locator {
    return this.page.getByRole('region', { name: 'Details' });
  }

  nameField(): Locator {
    return this.details().getByLabel('Bot name');
  }

  descriptionField(): Locator {
    return this.details().getByLabel('Description');
  }

  async saveDetails() {
    await this.details().getByRole('button', { name: 'Save details' }).click();
  }

  // --- Behaviour --------------------------------------------------------------------------

  behaviour(): Locator {
    return this.page.getByRole('region', { name: 'Behaviour' });
  }

  /** Auto-reply row n (1-based), as screen readers hear it: "Keyword 2", "Match 2", "Reply 2". */
  autoReply(n: number) {
    const b = this.behaviour();
    return {
      keyword: b.getByLabel(`Keyword ${n}`, { exact: true }),
      match: b.getByLabel(`Match ${n}`, { exact: true }),
      reply: b.getByLabel(`Reply ${n}`, { exact: true }),
      remove: b.getByRole('button', { name: `Remove auto-reply ${n}`, exact: true }),
    };
  }

  /** One "Remove auto-reply n" button per row: `toHaveCount` on it counts the rows. */
  autoReplyRows(): Locator {
    return this.behaviour().getByRole('button', { name: /^Remove auto-reply \d+$/ });
  }

  autoReplyCount(): Promise<number> {
    return this.autoReplyRows().count();
  }

  /** "Add auto-reply": the new row's keyword gets the focus; fills it in. */
  async addAutoReply(rule: AutoReply) {
    const n = (await this.autoReplyCount()) + 1;
    await this.behaviour().getByRole('button', { name: 'Add auto-reply' }).click();
    const row = this.autoReply(n);
    await expect(row.keyword).toBeFocused();
    await row.keyword.fill(rule.keyword);
    await row.match.selectOption({ label: rule.match });
    await row.reply.fill(rule.reply);
  }

  async expectAutoReply(n: number, rule: AutoReply) {
    const row = this.autoReply(n);
    await expect(row.keyword).toHaveValue(rule.keyword);
    await expect(row.match.locator('option:checked')).toHaveText(rule.match);
    await expect(row.reply).toHaveValue(rule.reply);
  }

  awayToggle(): Locator {
    return this.behaviour().getByLabel('Send an away message outside business hours');
  }

  awayMessage(): Locator {
    return this.behaviour().getByLabel('Away message', { exact: true });
  }

  timeZone(): Locator {
    return this.behaviour().getByLabel('Time zone', { exact: true });
  }

  handoffKeyword(): Locator {
    return this.behaviour().getByLabel('Handoff keyword');
  }

  async saveBehaviour() {
    await this.behaviour().getByRole('button', { name: 'Save behaviour' }).click();
  }

  /** The form's own live region next to its Save button ("Saved"). */
  savedStatus(form: 'details' | 'behaviour'): Locator {
    return (form === 'details' ? this.details() : this.behaviour()).getByRole('status');
  }

  // --- Connection history -----------------------------------------------------------------

  history(): Locator {
    return this.page.getByRole('region', { name: 'Connection history' });
  }

  historyRows(): Locator {
    return this.history().locator('tbody tr');
  }

  /** Each row's status (its badge's `data-status`), top to bottom. */
  historyStatuses(): Promise<string[]> {
    return this.historyRows().locator('[data-status]').evaluateAll((els) => els.map((el) => el.getAttribute('data-status') ?? ''));
  }

  /** Each row's `<time datetime>`, top to bottom. */
  historyTimes(): Promise<string[]> {
    return this.historyRows().locator('time').evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''));
  }

  historyRow(n: number) {
    const row = this.historyRows().nth(n);
    return { row, status: row.locator('[data-status]'), reason: row.locator('td').nth(2), phone: row.locator('td').nth(3) };
  }

  // --- Confirm dialog ---------------------------------------------------------------------

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  async openLogoutDialog() {
    await this.logoutButton().click();
    await expect(this.dialog()).toBeVisible();
    await expect(this.dialog().getByRole('heading', { name: 'Log out of WhatsApp?' })).toBeVisible();
  }

  async openDeleteDialog(botName: string) {
    await this.deleteButton().click();
    await expect(this.dialog()).toBeVisible();
    await expect(this.dialog().getByRole('heading', { name: `Delete ${botName}?` })).toBeVisible();
  }

  async confirm(label: 'Log out' | 'Delete bot') {
    await this.dialog().getByRole('button', { name: label, exact: true }).click();
  }
}
