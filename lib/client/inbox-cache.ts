import type { Cache, ScopedMutator } from 'swr';
import type { ChatMessage, MessageStatusUpdatedPayload, MessageSyncEvent } from '@/lib/realtime/events';
import { conversationFromUpdate, type ConversationPage, type ConversationView, type MessagePage, type UnreadSummary } from '@/lib/services/conversations/views';
import { conversationKey, conversationsGetKey, messagesGetKey, parseConversationsKey, SESSION_KEY, unreadKey } from './inbox-keys';
import { applyUnread, findInPages, placeConversation } from './inbox-lists';
import { applyMessageStatus, upsertMessage } from './inbox-threads';

// Writes pushed (and returned) inbox changes straight into the SWR cache, without revalidating:
// every cached list page, the cached conversation, the thread if loaded, the unread summary.
// useSWRInfinite keeps its pages twice (under `$inf$<first page key>` and under each page's own
// key) and refetches a page whose two copies differ, so both copies are written together.

export interface SwrHandle {
  cache: Cache;
  mutate: ScopedMutator;
}

const INFINITE = '$inf$';
const NO_REVALIDATE = { revalidate: false } as const;

type Session = { user?: { id?: string } };

/** The signed-in user's id, once the session has been loaded (it is, wherever "Mine" is shown). */
export function cachedMeId(cache: Cache): string | null {
  return (cache.get(SESSION_KEY)?.data as Session | undefined)?.user?.id ?? null;
}

function writeInfinite<P>(swr: SwrHandle, infKey: string, pages: P[], getKey: (i: number, prev: P | null) => string | null): void {
  void swr.mutate(infKey, pages, NO_REVALIDATE);
  for (let i = 0; i < pages.length; i++) {
    const key = getKey(i, i === 0 ? null : pages[i - 1]!);
    if (key) void swr.mutate(key, pages[i], NO_REVALIDATE);
  }
}

function isOlder(candidate: ConversationView, current: ConversationView | undefined): boolean {
  return !!current && Date.parse(candidate.updatedAt) < Date.parse(current.updatedAt);
}

export interface WriteOptions {
  /** An HTTP answer, which a pushed newer state may have overtaken: an older one is dropped. */
  fromResponse?: boolean;
  /** Only this cache key (a replay onto data that just loaded); every key that holds it otherwise. */
  only?: string;
}

/** A conversation's new state, into every cache that holds it (or only `opts.only`). */
export function writeConversation(swr: SwrHandle, view: ConversationView, opts: WriteOptions = {}): void {
  const { cache } = swr;
  const want = (key: string) => opts.only === undefined || opts.only === key;
  const single = cache.get(conversationKey(view.id))?.data as ConversationView | undefined;
  if (opts.fromResponse && isOlder(view, single)) return;
  const meId = cachedMeId(cache);
  let createdAt = single?.createdAt;
  const lists: { key: string; pages: ConversationPage[]; filter: NonNullable<ReturnType<typeof parseConversationsKey>> }[] = [];
  for (const key of cache.keys()) {
    if (!key.startsWith(INFINITE)) continue;
    if (!want(key) && !opts.fromResponse) continue;
    const parsed = parseConversationsKey(key.slice(INFINITE.length));
    const pages = cache.get(key)?.data as ConversationPage[] | undefined;
    if (!parsed || !Array.isArray(pages)) continue;
    const existing = findInPages(pages, view.id);
    if (opts.fromResponse && isOlder(view, existing)) return;
    createdAt ??= existing?.createdAt;
    if (want(key)) lists.push({ key, pages, filter: parsed });
  }
  // A pushed update carries no createdAt (conversationFromUpdate falls back to the activity time).
  const next: ConversationView = createdAt ? { ...view, createdAt } : view;
  if (single && want(conversationKey(view.id))) void swr.mutate(conversationKey(view.id), next, NO_REVALIDATE);
  for (const { key, pages, filter } of lists) {
    const placed = placeConversation(pages, next, filter.filter, meId);
    if (placed) writeInfinite(swr, key, placed, conversationsGetKey(filter.filter, filter.limit));
  }
  // The conversation's workspace's counts, and the all-workspaces counts when something reads them.
  for (const key of [unreadKey(view.workspaceId), unreadKey(null)]) {
    if (!want(key)) continue;
    const summary = cache.get(key)?.data as UnreadSummary | undefined;
    const unread = summary ? applyUnread(summary, view.id, view.unreadCount) : null;
    if (unread) void swr.mutate(key, unread, NO_REVALIDATE);
  }
}

/** One pushed inbox event into the caches it concerns (or only `opts.only`). */
export function applyPush(swr: SwrHandle, e: MessageSyncEvent, opts: Pick<WriteOptions, 'only'> = {}): void {
  switch (e.type) {
    case 'new_message':
      writeMessage(swr, e.payload.message, opts);
      break;
    case 'conversation_updated': {
      const cached = swr.cache.get(conversationKey(e.payload.conversationId))?.data as ConversationView | undefined;
      writeConversation(swr, conversationFromUpdate(e.payload, cached?.createdAt), opts);
      break;
    }
    case 'message_status_updated':
      writeMessageStatus(swr, e.payload, opts);
      break;
  }
}

/** The cache key of a conversation's thread (useSWRInfinite's, from its first page). */
export function threadKey(conversationId: string): string {
  return INFINITE + messagesGetKey(conversationId)(0, null);
}

/** A new (or re-sent) message into its thread, if that thread is cached; deduplicated by id. */
export function writeMessage(swr: SwrHandle, message: ChatMessage, opts: Pick<WriteOptions, 'only'> = {}): void {
  const key = threadKey(message.conversationId);
  if (opts.only !== undefined && opts.only !== key) return;
  const pages = swr.cache.get(key)?.data as MessagePage[] | undefined;
  if (!Array.isArray(pages)) return;
  const next = upsertMessage(pages, message);
  if (next) writeInfinite(swr, key, next, messagesGetKey(message.conversationId));
}

/** A delivery status into its thread, forward only. */
export function writeMessageStatus(swr: SwrHandle, p: MessageStatusUpdatedPayload, opts: Pick<WriteOptions, 'only'> = {}): void {
  const key = threadKey(p.conversationId);
  if (opts.only !== undefined && opts.only !== key) return;
  const pages = swr.cache.get(key)?.data as MessagePage[] | undefined;
  if (!Array.isArray(pages)) return;
  const next = applyMessageStatus(pages, p);
  if (next) writeInfinite(swr, key, next, messagesGetKey(p.conversationId));
}


/** A conversation as some cached list has it: shown at once while its own request runs. */
export function cachedConversation(cache: Cache, id: string): ConversationView | undefined {
  const single = cache.get(conversationKey(id))?.data as ConversationView | undefined;
  if (single) return single;
  for (const key of cache.keys()) {
    if (!key.startsWith(INFINITE) || !parseConversationsKey(key.slice(INFINITE.length))) continue;
    const pages = cache.get(key)?.data as ConversationPage[] | undefined;
    const hit = Array.isArray(pages) ? findInPages(pages, id) : undefined;
    if (hit) return hit;
  }
  return undefined;
}
