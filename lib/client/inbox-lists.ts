import type { ConversationPage, ConversationView, UnreadSummary } from '@/lib/services/conversations/views';
import type { InboxFilter } from './inbox-keys';

// Pure functions over cached conversation lists and the unread summary: a pushed or returned
// conversation lands in every loaded page where it belongs, in the server's order, and leaves the
// lists whose filter it no longer matches. They return null when nothing changes, so callers
// never write (and re-render) for a no-op.

type Match = 'yes' | 'no' | 'unknown';

/**
 * Whether a list with `filter` would return the conversation. 'unknown' when it cannot be told
 * here: a search (the server also matches message text) or "Mine" before we know who "me" is.
 */
export function matchesFilter(view: ConversationView, filter: InboxFilter, meId: string | null): Match {
  if (filter.workspaceId && view.workspaceId !== filter.workspaceId) return 'no';
  if (filter.botId && view.botId !== filter.botId) return 'no';
  if (filter.status !== 'all' && view.status !== filter.status) return 'no';
  if (filter.assignee === 'unassigned' && view.assigneeId !== null) return 'no';
  if (filter.assignee === 'me') {
    if (!meId) return 'unknown';
    if (view.assigneeId !== meId) return 'no';
  }
  return filter.q.trim() ? 'unknown' : 'yes';
}

/** The list order: newest activity first, then id descending (the API's keyset order). */
export function compareConversations(a: ConversationView, b: ConversationView): number {
  const byTime = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function findInPages(pages: readonly ConversationPage[], id: string): ConversationView | undefined {
  for (const page of pages) {
    const hit = page.conversations.find((c) => c.id === id);
    if (hit) return hit;
  }
  return undefined;
}

export function sameConversation(a: ConversationView, b: ConversationView): boolean {
  return (
    a.id === b.id &&
    a.workspaceId === b.workspaceId &&
    a.botId === b.botId &&
    a.contactPhone === b.contactPhone &&
    a.contactName === b.contactName &&
    a.lastActivityAt === b.lastActivityAt &&
    a.unreadCount === b.unreadCount &&
    a.assigneeId === b.assigneeId &&
    a.botPaused === b.botPaused &&
    a.needsHuman === b.needsHuman &&
    a.status === b.status &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt &&
    a.lastMessage?.body === b.lastMessage?.body &&
    a.lastMessage?.direction === b.lastMessage?.direction &&
    a.lastMessage?.author === b.lastMessage?.author &&
    a.lastMessage?.authorUserId === b.lastMessage?.authorUserId &&
    a.lastMessage?.at === b.lastMessage?.at
  );
}

/**
 * Puts `view` where the server would list it: replaced in place when its position does not
 * change, moved (to the top, usually) when its activity time does, inserted when it now matches
 * and falls within the loaded range, removed when it no longer matches. A conversation older than
 * everything loaded while more pages exist is left for "Load more" to bring.
 */
export function placeConversation(
  pages: readonly ConversationPage[],
  view: ConversationView,
  filter: InboxFilter,
  meId: string | null,
): ConversationPage[] | null {
  if (pages.length === 0) return null;
  const existing = findInPages(pages, view.id);
  const match = matchesFilter(view, filter, meId);
  if (match === 'no' || (match === 'unknown' && !existing)) {
    return existing ? removeFromPages(pages, view.id) : null;
  }
  if (existing) {
    if (sameConversation(existing, view)) return null;
    if (existing.lastActivityAt === view.lastActivityAt) {
      return pages.map((p) =>
        p.conversations.some((c) => c.id === view.id) ? { ...p, conversations: p.conversations.map((c) => (c.id === view.id ? view : c)) } : p,
      );
    }
  }
  const without = existing ? removeFromPages(pages, view.id) : pages.slice();
  return insertSorted(without, view) ?? (existing ? without : null);
}

function removeFromPages(pages: readonly ConversationPage[], id: string): ConversationPage[] {
  return pages.map((p) => (p.conversations.some((c) => c.id === id) ? { ...p, conversations: p.conversations.filter((c) => c.id !== id) } : p));
}

function insertSorted(pages: ConversationPage[], view: ConversationView): ConversationPage[] | null {
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i]!;
    const at = page.conversations.findIndex((c) => compareConversations(view, c) < 0);
    if (at !== -1) {
      const conversations = [...page.conversations.slice(0, at), view, ...page.conversations.slice(at)];
      return pages.map((p, j) => (j === i ? { ...p, conversations } : p));
    }
  }
  const last = pages.at(-1)!;
  // Older than everything loaded: it belongs at the end only if nothing older exists on the server.
  if (last.nextCursor !== null) return null;
  return pages.map((p, j) => (j === pages.length - 1 ? { ...p, conversations: [...p.conversations, view] } : p));
}

/** Every loaded row once, in page order (a row that moved between pages is shown once). */
export function flattenPages(pages: readonly ConversationPage[] | undefined): ConversationView[] {
  if (!pages) return [];
  const seen = new Set<string>();
  const out: ConversationView[] = [];
  for (const page of pages) {
    for (const c of page.conversations) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  return out;
}

/** The summary with one conversation's unread count replaced; null when it is already so. */
export function applyUnread(summary: UnreadSummary, conversationId: string, unread: number): UnreadSummary | null {
  const before = summary.conversations[conversationId] ?? 0;
  if (before === unread) return null;
  const conversations = { ...summary.conversations };
  if (unread > 0) conversations[conversationId] = unread;
  else delete conversations[conversationId];
  return { total: Math.max(0, summary.total - before + unread), conversations };
}
