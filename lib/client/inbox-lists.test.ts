import { describe, expect, it } from 'vitest';
import type { ConversationPage, ConversationView } from '@/lib/services/conversations/views';
import { DEFAULT_FILTER, type InboxFilter } from './inbox-keys';
import { applyUnread, flattenPages, matchesFilter, placeConversation } from './inbox-lists';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function conv(id: string, activity: number, over: Partial<ConversationView> = {}): ConversationView {
  return {
    id,
    workspaceId: 'w1',
    botId: 'b1',
    contactPhone: `49${id}`,
    contactName: id,
    lastMessage: { body: 'hi', direction: 'in', author: 'contact', authorUserId: null, at: at(activity) },
    lastActivityAt: at(activity),
    unreadCount: 0,
    assigneeId: null,
    botPaused: false,
    needsHuman: false,
    status: 'open',
    createdAt: at(0),
    updatedAt: at(activity),
    ...over,
  };
}

const page = (list: ConversationView[], nextCursor: string | null = null): ConversationPage => ({ conversations: list, nextCursor });
const ids = (pages: ConversationPage[] | null) => (pages ? flattenPages(pages).map((c) => c.id) : null);
const filter = (f: Partial<InboxFilter>): InboxFilter => ({ ...DEFAULT_FILTER, ...f });

describe('matchesFilter', () => {
  it('checks bot, status and assignee; cannot tell a search or "mine" before the user is known', () => {
    const c = conv('a', 1, { assigneeId: 'u1' });
    expect(matchesFilter(c, DEFAULT_FILTER, 'u1')).toBe('yes');
    expect(matchesFilter(c, filter({ botId: 'b2' }), 'u1')).toBe('no');
    expect(matchesFilter(c, filter({ status: 'resolved' }), 'u1')).toBe('no');
    expect(matchesFilter(c, filter({ status: 'all' }), 'u1')).toBe('yes');
    expect(matchesFilter(c, filter({ assignee: 'unassigned' }), 'u1')).toBe('no');
    expect(matchesFilter(c, filter({ assignee: 'me' }), 'u1')).toBe('yes');
    expect(matchesFilter(c, filter({ assignee: 'me' }), 'u2')).toBe('no');
    expect(matchesFilter(c, filter({ assignee: 'me' }), null)).toBe('unknown');
    expect(matchesFilter(c, filter({ q: 'refund' }), 'u1')).toBe('unknown');
  });
});

describe('placeConversation', () => {
  const pages = [page([conv('c', 30), conv('b', 20)], 'cursor-1'), page([conv('a', 10)])];

  it('moves a conversation with new activity to the top', () => {
    expect(ids(placeConversation(pages, conv('a', 40), DEFAULT_FILTER, null))).toEqual(['a', 'c', 'b']);
  });

  it('replaces in place when the activity time is unchanged, and is a no-op for the same state', () => {
    const next = placeConversation(pages, conv('b', 20, { unreadCount: 0, botPaused: true }), DEFAULT_FILTER, null)!;
    expect(ids(next)).toEqual(['c', 'b', 'a']);
    expect(flattenPages(next)[1]!.botPaused).toBe(true);
    expect(placeConversation(pages, conv('b', 20), DEFAULT_FILTER, null)).toBeNull();
  });

  it('inserts a new conversation where it belongs and removes one that stops matching', () => {
    expect(ids(placeConversation(pages, conv('n', 25), DEFAULT_FILTER, null))).toEqual(['c', 'n', 'b', 'a']);
    expect(ids(placeConversation(pages, conv('b', 20, { status: 'resolved' }), DEFAULT_FILTER, null))).toEqual(['c', 'a']);
  });

  it('leaves one older than everything loaded for "Load more" when more pages exist', () => {
    const partial = [page([conv('c', 30), conv('b', 20)], 'cursor-1')];
    expect(placeConversation(partial, conv('old', 5), DEFAULT_FILTER, null)).toBeNull();
    const complete = [page([conv('c', 30), conv('b', 20)])];
    expect(ids(placeConversation(complete, conv('old', 5), DEFAULT_FILTER, null))).toEqual(['c', 'b', 'old']);
  });

  it('never adds to a search it cannot evaluate, but updates a row already there', () => {
    const searched = [page([conv('b', 20)])];
    expect(placeConversation(searched, conv('x', 50), filter({ q: 'refund' }), null)).toBeNull();
    expect(ids(placeConversation(searched, conv('b', 60), filter({ q: 'refund' }), null))).toEqual(['b']);
  });

  it('orders ties by id, like the API', () => {
    const tie = [page([conv('m', 20)])];
    expect(ids(placeConversation(tie, conv('z', 20), DEFAULT_FILTER, null))).toEqual(['z', 'm']);
    expect(ids(placeConversation(tie, conv('a', 20), DEFAULT_FILTER, null))).toEqual(['m', 'a']);
  });
});

describe('applyUnread', () => {
  it('keeps the total exact and drops read conversations; null when nothing changes', () => {
    const summary = { total: 3, conversations: { a: 1, b: 2 } };
    expect(applyUnread(summary, 'b', 0)).toEqual({ total: 1, conversations: { a: 1 } });
    expect(applyUnread(summary, 'c', 4)).toEqual({ total: 7, conversations: { a: 1, b: 2, c: 4 } });
    expect(applyUnread(summary, 'a', 1)).toBeNull();
  });
});
