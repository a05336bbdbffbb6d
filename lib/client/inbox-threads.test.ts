import { describe, expect, it } from 'vitest';
import type { ChatMessage, MessageStatusUpdatedPayload } from '@/lib/realtime/events';
import type { MessagePage } from '@/lib/services/conversations/views';
import { applyMessageStatus, flattenThread, statusMayBecome, upsertMessage } from './inbox-threads';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function msg(id: string, seq: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    seq,
    conversationId: 'c1',
    externalId: null,
    direction: 'out',
    type: 'text',
    body: id,
    status: 'pending',
    author: 'agent',
    authorUserId: 'u1',
    error: null,
    createdAt: at(seq),
    updatedAt: at(seq),
    ...over,
  };
}

const page = (messages: ChatMessage[], nextBefore: number | null = null): MessagePage => ({ messages, nextBefore });
const status = (messageId: string, s: MessageStatusUpdatedPayload['status'], ms: number, error?: string): MessageStatusUpdatedPayload => ({
  conversationId: 'c1',
  messageId,
  status: s,
  botId: 'b1',
  updatedAt: at(ms),
  timestamp: at(ms),
  ...(error ? { error } : {}),
});

describe('statusMayBecome', () => {
  it('moves forward only; failed only from pending or sent; back to pending only from failed', () => {
    expect(statusMayBecome('pending', 'sent')).toBe(true);
    expect(statusMayBecome('sent', 'read')).toBe(true);
    expect(statusMayBecome('read', 'delivered')).toBe(false);
    expect(statusMayBecome('delivered', 'failed')).toBe(false);
    expect(statusMayBecome('sent', 'failed')).toBe(true);
    expect(statusMayBecome('failed', 'pending')).toBe(true);
    expect(statusMayBecome('sent', 'pending')).toBe(false);
    expect(statusMayBecome('read', 'read')).toBe(false);
  });
});

describe('upsertMessage', () => {
  it('appends a new message to the newest page and places a late one by seq', () => {
    const pages = [page([msg('a', 1), msg('c', 3)]), page([msg('z', 0)])];
    const appended = upsertMessage(pages, msg('d', 4))!;
    expect(flattenThread(appended).map((m) => m.id)).toEqual(['z', 'a', 'c', 'd']);
    const late = upsertMessage(pages, msg('b', 2))!;
    expect(flattenThread(late).map((m) => m.id)).toEqual(['z', 'a', 'b', 'c']);
  });

  it('deduplicates by id: the same state twice changes nothing', () => {
    const pages = [page([msg('a', 1)])];
    expect(upsertMessage(pages, msg('a', 1))).toBeNull();
  });

  it('a 201 (pending) arriving after the pushed failure does not undo it', () => {
    const failed = msg('a', 1, { status: 'failed', error: 'WhatsApp is unreachable', updatedAt: at(50) });
    const pages = [page([failed])];
    expect(upsertMessage(pages, msg('a', 1, { status: 'pending', updatedAt: at(1) }))).toBeNull();
  });

  it('a later state wins even backwards in rank: a retried message is pending again', () => {
    const pages = [page([msg('a', 1, { status: 'failed', error: 'x', updatedAt: at(50) })])];
    const next = upsertMessage(pages, msg('a', 1, { status: 'pending', error: null, updatedAt: at(80) }))!;
    expect(next[0]!.messages[0]).toMatchObject({ status: 'pending', error: null });
  });

  it('equal times fall back to forward-only', () => {
    const pages = [page([msg('a', 1, { status: 'sent', updatedAt: at(5) })])];
    expect(upsertMessage(pages, msg('a', 1, { status: 'pending', updatedAt: at(5) }))).toBeNull();
    expect(upsertMessage(pages, msg('a', 1, { status: 'delivered', updatedAt: at(5) }))![0]!.messages[0]!.status).toBe('delivered');
  });

  it('does nothing when no thread is loaded', () => {
    expect(upsertMessage([], msg('a', 1))).toBeNull();
  });
});

describe('applyMessageStatus', () => {
  it('moves a loaded message forward, on whichever page it is', () => {
    const pages = [page([msg('b', 2)]), page([msg('a', 1, { status: 'sent' })])];
    const next = applyMessageStatus(pages, status('a', 'read', 10))!;
    expect(next[1]!.messages[0]).toMatchObject({ status: 'read', updatedAt: at(10) });
    expect(next[0]).toBe(pages[0]);
  });

  it('ignores a stale receipt and an unknown message', () => {
    const pages = [page([msg('a', 1, { status: 'read', updatedAt: at(30) })])];
    expect(applyMessageStatus(pages, status('a', 'delivered', 20))).toBeNull();
    expect(applyMessageStatus(pages, status('nope', 'read', 40))).toBeNull();
  });

  it('keeps the failure reason, and clears it when the message is sent again', () => {
    const pages = [page([msg('a', 1)])];
    const failed = applyMessageStatus(pages, status('a', 'failed', 10, 'Not sent: number not on WhatsApp'))!;
    expect(failed[0]!.messages[0]).toMatchObject({ status: 'failed', error: 'Not sent: number not on WhatsApp' });
    const retried = applyMessageStatus(failed, status('a', 'pending', 20))!;
    expect(retried[0]!.messages[0]).toMatchObject({ status: 'pending', error: null });
  });
});

describe('flattenThread', () => {
  it('returns oldest first, each message once even if it moved between pages', () => {
    const pages = [page([msg('b', 2), msg('c', 3)]), page([msg('a', 1), msg('b', 2)])];
    expect(flattenThread(pages).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(flattenThread(undefined)).toEqual([]);
  });
});
