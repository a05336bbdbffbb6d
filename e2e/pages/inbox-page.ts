import { expect, type Locator, type Page } from '@playwright/test';

declare global {
  interface Window {
    /** When a text first appeared in the thread (page clock), set by `markWhenVisible()`. */
    __e2eSeenAt?: number;
  }
}

/** /inbox and /inbox/{conversationId}: the conversation list, the thread and the reply box. */
export class InboxPage {
  constructor(private readonly page: Page) {}

  async goto(conversationId?: string) {
    await this.page.goto(conversationId ? `/inbox/${conversationId}` : '/inbox');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  }

  list(): Locator {
    return this.page.getByTestId('conversation-list');
  }

  row(contact: string): Locator {
    return this.page.getByTestId('conversation-row').filter({ hasText: contact });
  }

  unreadOf(contact: string): Locator {
    return this.row(contact).getByTestId('unread-count');
  }

  /** The sidebar's unread total. */
  sidebarUnread(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByTestId('unread-total');
  }

  async open(contact: string) {
    await this.row(contact).click();
    await expect(this.page.getByTestId('thread-title')).toHaveText(contact);
  }

  thread(): Locator {
    return this.page.getByTestId('message-log');
  }

  replyBox(): Locator {
    return this.page.getByRole('textbox', { name: 'Your reply' });
  }

  async reply(text: string) {
    await this.replyBox().fill(text);
    await this.replyBox().press('Enter');
    await expect(this.replyBox()).toHaveValue('');
  }

  bubble(text: string): Locator {
    return this.thread().locator('li[data-message-id]').filter({ hasText: text });
  }

  action(name: 'Assign to me' | 'Unassign' | 'Pause bot' | 'Resume bot' | 'Resolve' | 'Reopen'): Locator {
    return this.page.getByRole('group', { name: 'Conversation actions' }).getByRole('button', { name });
  }

  /** Notes (page clock) when `text` first shows in the thread, for latency measurements. */
  async markWhenVisible(text: string) {
    await this.thread().evaluate((log, wanted) => {
      delete window.__e2eSeenAt;
      const observer = new MutationObserver(() => {
        if (!log.textContent?.includes(wanted)) return;
        window.__e2eSeenAt = performance.timeOrigin + performance.now();
        observer.disconnect();
      });
      observer.observe(log, { childList: true, subtree: true, characterData: true });
    }, text);
  }

  async seenAt(): Promise<number> {
    await expect.poll(() => this.page.evaluate(() => window.__e2eSeenAt ?? 0)).toBeGreaterThan(0);
    return this.page.evaluate(() => window.__e2eSeenAt!);
  }
}
