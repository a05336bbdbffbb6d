import type { ConversationPage, MessagePage } from '@/lib/services/conversations/views';

// Every SWR key the inbox reads, built in one place: the live cache sync finds cached lists and
// threads by parsing these keys back, so hooks and the sync can never disagree on a spelling.

export type AssigneeFilter = 'me' | 'unassigned' | 'all';
export type StatusFilter = 'open' | 'resolved' | 'all';

export interface InboxFilter {
  assignee: AssigneeFilter;
  status: StatusFilter;
  /** One bot, or null for every bot. */
  botId: string | null;
  /** Search text ('' for none). */
  q: string;
  /** One workspace's conversations (the one the tab shows); absent or null for all the user's. */
  workspaceId?: string | null;
}

export const DEFAULT_FILTER: InboxFilter = { assignee: 'all', status: 'open', botId: null, q: '' };
export const CONVERSATIONS_PAGE_SIZE = 30;
export const MESSAGES_PAGE_SIZE = 50;

const CONVERSATIONS_PATH = '/api/v1/conversations';
export const UNREAD_KEY = '/api/v1/conversations/unread';

/** Unread counts of one workspace (null: all of the user's workspaces). */
export function unreadKey(workspaceId: string | null | undefined): string {
  return workspaceId ? `${UNREAD_KEY}?workspaceId=${workspaceId}` : UNREAD_KEY;
}
export const SESSION_KEY = '/api/v1/auth/session';

export const conversationKey = (id: string) => `${CONVERSATIONS_PATH}/${id}`;
export const membersKey = (workspaceId: string) => `/api/v1/workspaces/${workspaceId}/members`;
export const invitesKey = (workspaceId: string) => `/api/v1/workspaces/${workspaceId}/invites`;

export function isDefaultFilter(f: InboxFilter): boolean {
  return f.assignee === 'all' && f.status === 'open' && !f.botId && !f.q.trim();
}

/** One page of a conversation list; `cursor` is the previous page's nextCursor. */
export function conversationsPageKey(filter: InboxFilter, cursor: string | null, limit = CONVERSATIONS_PAGE_SIZE): string {
  const params = new URLSearchParams({ status: filter.status, assignee: filter.assignee });
  if (filter.workspaceId) params.set('workspaceId', filter.workspaceId);
  if (filter.botId) params.set('botId', filter.botId);
  const q = filter.q.trim();
  if (q) params.set('q', q);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return `${CONVERSATIONS_PATH}?${params.toString()}`;
}

/** useSWRInfinite's getKey for a list: null once the last page said there is nothing older. */
export function conversationsGetKey(filter: InboxFilter, limit = CONVERSATIONS_PAGE_SIZE) {
  return (index: number, previous: ConversationPage | null): string | null => {
    if (index === 0) return conversationsPageKey(filter, null, limit);
    if (!previous?.nextCursor) return null;
    return conversationsPageKey(filter, previous.nextCursor, limit);
  };
}

/** The filter of a cached list page key, or null when the key is not a conversation list. */
export function parseConversationsKey(key: string): { filter: InboxFilter; limit: number } | null {
  if (!key.startsWith(`${CONVERSATIONS_PATH}?`)) return null;
  const params = new URLSearchParams(key.slice(CONVERSATIONS_PATH.length + 1));
  const status = params.get('status');
  const assignee = params.get('assignee');
  if ((status !== 'open' && status !== 'resolved' && status !== 'all') || (assignee !== 'me' && assignee !== 'unassigned' && assignee !== 'all')) {
    return null;
  }
  return {
    filter: { status, assignee, botId: params.get('botId'), q: params.get('q') ?? '', workspaceId: params.get('workspaceId') },
    limit: Number(params.get('limit')) || CONVERSATIONS_PAGE_SIZE,
  };
}

export function messagesPageKey(conversationId: string, before: number | null): string {
  const base = `${conversationKey(conversationId)}/messages?limit=${MESSAGES_PAGE_SIZE}`;
  return before === null ? base : `${base}&before=${before}`;
}

/** useSWRInfinite's getKey for a thread: page 0 is the newest messages, each next page older. */
export function messagesGetKey(conversationId: string) {
  return (index: number, previous: MessagePage | null): string | null => {
    if (index === 0) return messagesPageKey(conversationId, null);
    if (previous?.nextBefore == null) return null;
    return messagesPageKey(conversationId, previous.nextBefore);
  };
}

