import type { ChatMessage, MessageStatusUpdatedPayload } from '@/lib/realtime/events';
import type { MessagePage } from '@/lib/services/conversations/views';

// Pure functions over a cached thread (useSWRInfinite pages: page 0 holds the newest messages,
// each page oldest first). Return null when nothing changes.

export type MessageStatus = ChatMessage['status'];

const RANK: Record<Exclude<MessageStatus, 'failed'>, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Receipts arrive late, twice and out of order, so a status never moves backwards
 * (read > delivered > sent > pending). `failed` only replaces a message that has not reached the
 * phone, and only a failed message goes back to `pending` (sent again).
 */
export function statusMayBecome(from: MessageStatus, to: MessageStatus): boolean {
  if (from === to) return false;
  if (to === 'failed') return from === 'pending' || from === 'sent';
  if (to === 'pending') return from === 'failed';
  if (from === 'failed') return false;
  return RANK[to] > RANK[from];
}

/**
 * Which of two states of one message wins: the later write on the server (updatedAt), so a 201
 * that arrives after the push of a newer state (sent, failed…) never turns the clock back. Equal
 * times (one millisecond) fall back to the forward-only order.
 */
export function laterState(current: Pick<ChatMessage, 'status' | 'updatedAt'>, next: Pick<ChatMessage, 'status' | 'updatedAt'>): boolean {
  const a = Date.parse(current.updatedAt);
  const b = Date.parse(next.updatedAt);
  if (b !== a && !Number.isNaN(a) && !Number.isNaN(b)) return b > a;
  return statusMayBecome(current.status, next.status);
}

/** The thread with `message` added (or merged when its id is already there: dedupe by id). */
export function upsertMessage(pages: readonly MessagePage[], message: ChatMessage): MessagePage[] | null {
  if (pages.length === 0) return null;
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i]!;
    const j = page.messages.findIndex((m) => m.id === message.id);
    if (j === -1) continue;
    const current = page.messages[j]!;
    // The same message from the 201 and from the push: the later state wins.
    if (!laterState(current, message)) return null;
    const merged: ChatMessage = { ...current, ...message };
    if (sameMessage(current, merged)) return null;
    return pages.map((p, k) => (k === i ? { ...p, messages: p.messages.map((m, n) => (n === j ? merged : m)) } : p));
  }
  const newest = pages[0]!;
  // Usually the newest message (append); a late delivery with a smaller seq still lands in order.
  const at = newest.messages.findIndex((m) => m.seq > message.seq);
  const messages = at === -1 ? [...newest.messages, message] : [...newest.messages.slice(0, at), message, ...newest.messages.slice(at)];
  return [{ ...newest, messages }, ...pages.slice(1)];
}

/** The thread with one message's delivery status moved forward; null when it is not loaded or already further. */
export function applyMessageStatus(pages: readonly MessagePage[], p: MessageStatusUpdatedPayload): MessagePage[] | null {
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i]!;
    const j = page.messages.findIndex((m) => m.id === p.messageId);
    if (j === -1) continue;
    const current = page.messages[j]!;
    if (!laterState(current, p)) return null;
    const next: ChatMessage = {
      ...current,
      status: p.status,
      updatedAt: p.updatedAt,
      error: p.status === 'failed' ? (p.error ?? current.error ?? null) : null,
    };
    return pages.map((pg, k) => (k === i ? { ...pg, messages: pg.messages.map((m, n) => (n === j ? next : m)) } : pg));
  }
  return null;
}

/** Oldest first, each message once. */
export function flattenThread(pages: readonly MessagePage[] | undefined): ChatMessage[] {
  if (!pages) return [];
  const seen = new Set<string>();
  const out: ChatMessage[] = [];
  for (let i = pages.length - 1; i >= 0; i--) {
    for (const m of pages[i]!.messages) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      out.push(m);
    }
  }
  return out;
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return (Object.keys(a) as (keyof ChatMessage)[]).every((k) => a[k] === b[k]) && Object.keys(a).length === Object.keys(b).length;
}
