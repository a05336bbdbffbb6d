import { describe, expect, it } from 'vitest';
import type { MessageSyncEvent } from '@/lib/realtime/events';
import { createPushReplay } from './push-replay';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const status = (ms: number, messageId = `m${ms}`): MessageSyncEvent => ({
  type: 'message_status_updated',
  payload: { conversationId: 'c1', messageId, status: 'sent', botId: 'b1', updatedAt: new Date(T0 + ms).toISOString(), timestamp: new Date(T0 + ms).toISOString() },
});
const ids = (events: MessageSyncEvent[]) => events.map((e) => (e.type === 'message_status_updated' ? e.payload.messageId : ''));

describe('push replay', () => {
  it('returns the pushes published at or after the read, oldest first', () => {
    const replay = createPushReplay();
    for (const ms of [10, 20, 30]) replay.record(status(ms));
    replay.noteRead('/api/v1/conversations/c1/messages?limit=50', T0 + 20);
    expect(ids(replay.since('/api/v1/conversations/c1/messages?limit=50'))).toEqual(['m20', 'm30']);
  });

  it('replays nothing for a key whose read time is unknown', () => {
    const replay = createPushReplay();
    replay.record(status(10));
    expect(replay.since('/api/v1/conversations')).toEqual([]);
  });

  it('forgets pushes older than two minutes and keeps at most 1,000', () => {
    const replay = createPushReplay();
    replay.noteRead('/k', T0 - 1);
    replay.record(status(0, 'old'));
    replay.record(status(2 * 60_000 + 1, 'new'));
    expect(ids(replay.since('/k'))).toEqual(['new']);
    for (let i = 0; i < 1_100; i++) replay.record(status(2 * 60_000 + 2 + i));
    expect(replay.since('/k')).toHaveLength(1_000);
  });
});
