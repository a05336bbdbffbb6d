import { describe, expect, it } from 'vitest';
import { rooms, type SessionStatus } from '@/lib/realtime/events';
import { SseHub, type SseClient, type SseEvent } from './sse-hub';

const ts = '2025-01-01T00:00:00.000Z';

function recorder(): SseClient & { events: SseEvent[]; closed: number } {
  const client = {
    events: [] as SseEvent[],
    closed: 0,
    send: (e: SseEvent) => void client.events.push(e),
    close: () => void (client.closed += 1),
  };
  return client;
}

const status = (hub: SseHub, botId: string, s: SessionStatus, extra: Record<string, string> = {}) =>
  hub.dispatch([rooms.session(botId)], 'session_status_changed', { botId, sessionId: `s-${botId}`, status: s, timestamp: ts, ...extra });

describe('SseHub', () => {
  it('maps qr_code_updated to qr_updated with the QR and status QR_REQUIRED', () => {
    const hub = new SseHub();
    const c = recorder();
    hub.subscribe('b1', c);
    hub.dispatch([rooms.session('b1')], 'qr_code_updated', {
      botId: 'b1',
      sessionId: 's1',
      qrCode: '2@ref,key',
      status: 'QR_REQUIRED',
      expiresAt: ts,
      attempt: 1,
      timestamp: ts,
    });
    expect(c.events).toEqual([
      { id: 1, data: { type: 'qr_updated', botId: 'b1', sessionId: 's1', qrCode: '2@ref,key', status: 'QR_REQUIRED', timestamp: ts } },
    ]);
  });

  it('maps session_status_changed by status: CONNECTED→connected, DISCONNECTED/LOGGED_OUT/ERROR→disconnected, else status', () => {
    const hub = new SseHub();
    const c = recorder();
    hub.subscribe('b1', c);
    const expected: [SessionStatus, string][] = [
      ['CONNECTED', 'connected'],
      ['DISCONNECTED', 'disconnected'],
      ['LOGGED_OUT', 'disconnected'],
      ['ERROR', 'disconnected'],
      ['STARTING', 'status'],
      ['QR_REQUIRED', 'status'],
      ['RECONNECTING', 'status'],
    ];
    for (const [s] of expected) status(hub, 'b1', s);
    expect(c.events.map((e) => [e.data.status, e.data.type])).toEqual(expected);
  });

  it('keeps phone, name and reason, and drops undefined fields', () => {
    const hub = new SseHub();
    const c = recorder();
    hub.subscribe('b1', c);
    status(hub, 'b1', 'CONNECTED', { phoneNumber: '15550102000', displayName: 'Ada' });
    status(hub, 'b1', 'ERROR', { reason: 'connection_replaced' });
    expect(c.events[0]?.data).toEqual({
      type: 'connected',
      botId: 'b1',
      sessionId: 's-b1',
      status: 'CONNECTED',
      phoneNumber: '15550102000',
      displayName: 'Ada',
      timestamp: ts,
    });
    expect(Object.keys(c.events[1]?.data ?? {}).sort()).toEqual(['botId', 'reason', 'sessionId', 'status', 'timestamp', 'type']);
    expect(c.events[1]?.data.reason).toBe('connection_replaced');
  });

  it('maps connection_error to error, carrying the code, the message and the current status', () => {
    const hub = new SseHub();
    const c = recorder();
    hub.subscribe('b1', c);
    const error = { botId: 'b1', sessionId: 's1', code: 'whatsapp_unreachable', error: 'no network', timestamp: ts };
    hub.dispatch([rooms.session('b1')], 'connection_error', error);
    status(hub, 'b1', 'RECONNECTING');
    hub.dispatch([rooms.session('b1')], 'connection_error', error);
    expect(c.events.map((e) => e.data)).toEqual([
      { type: 'error', botId: 'b1', sessionId: 's1', status: 'DISCONNECTED', reason: 'whatsapp_unreachable', error: 'no network', timestamp: ts },
      expect.objectContaining({ type: 'status', status: 'RECONNECTING' }),
      { type: 'error', botId: 'b1', sessionId: 's1', status: 'RECONNECTING', reason: 'whatsapp_unreachable', error: 'no network', timestamp: ts },
    ]);
  });

  it('ignores events outside the SSE contract and rooms that are not session rooms', () => {
    const hub = new SseHub();
    const c = recorder();
    hub.subscribe('b1', c);
    hub.dispatch([rooms.session('b1')], 'pairing_code_updated', { botId: 'b1', sessionId: 's1', code: 'ABCD1234', expiresAt: ts, timestamp: ts });
    hub.dispatch([rooms.workspace('b1'), rooms.user('b1'), rooms.authSession('b1')], 'session_status_changed', {
      botId: 'b1',
      sessionId: 's1',
      status: 'CONNECTED',
      timestamp: ts,
    });
    hub.dispatch([rooms.workspace('w1')], 'workspace_updated', { workspaceId: 'w1', name: 'W', timestamp: ts });
    expect(c.events).toEqual([]);
    expect(hub.lastId('b1')).toBe(0);
    // One dispatch to several rooms reaches exactly the session room among them.
    hub.dispatch([rooms.workspace('w1'), rooms.session('b1')], 'session_status_changed', { botId: 'b1', sessionId: 's1', status: 'STARTING', timestamp: ts });
    expect(c.events.map((e) => e.id)).toEqual([1]);
  });

  it('numbers events per bot, increasing, and delivers only to that bot’s clients', () => {
    const hub = new SseHub();
    const a = recorder();
    const b = recorder();
    hub.subscribe('a', a);
    hub.subscribe('b', b);
    status(hub, 'a', 'STARTING');
    status(hub, 'a', 'QR_REQUIRED');
    status(hub, 'b', 'STARTING');
    status(hub, 'a', 'CONNECTED');
    expect(a.events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(a.events.every((e) => e.data.botId === 'a')).toBe(true);
    expect(b.events.map((e) => e.id)).toEqual([1]);
    expect(hub.lastId('a')).toBe(3);
    expect(hub.lastId('b')).toBe(1);
    expect(hub.lastId('nobody')).toBe(0);
  });

  it('replays what a client missed with since(), and null when it cannot', () => {
    const hub = new SseHub();
    expect(hub.since('b1', 0)).toEqual([]);
    expect(hub.since('b1', 1)).toBeNull();
    for (const s of ['STARTING', 'QR_REQUIRED', 'CONNECTED'] as const) status(hub, 'b1', s);
    expect(hub.since('b1', 0)?.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(hub.since('b1', 1)?.map((e) => e.data.status)).toEqual(['QR_REQUIRED', 'CONNECTED']);
    expect(hub.since('b1', 3)).toEqual([]);
    // An id from the future (e.g. the server restarted) cannot be resumed.
    expect(hub.since('b1', 4)).toBeNull();
  });

  it('bounds the buffer per bot and reports a gap once the oldest missed event is gone', () => {
    const hub = new SseHub(3);
    for (let i = 0; i < 5; i++) status(hub, 'b1', i % 2 ? 'RECONNECTING' : 'STARTING');
    // Buffer holds ids 3..5.
    expect(hub.since('b1', 2)?.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(hub.since('b1', 1)).toBeNull();
    expect(hub.since('b1', 0)).toBeNull();
    expect(hub.since('b1', 5)).toEqual([]);
    expect(hub.lastId('b1')).toBe(5);
  });

  it('counts subscribers, stops sending after unsubscribe, and keeps the history for replay', () => {
    const hub = new SseHub();
    const c1 = recorder();
    const c2 = recorder();
    const c3 = recorder();
    const off1 = hub.subscribe('b1', c1);
    const off2 = hub.subscribe('b1', c2);
    const off3 = hub.subscribe('b2', c3);
    expect(hub.clientCount()).toBe(3);
    status(hub, 'b1', 'STARTING');
    off1();
    expect(hub.clientCount()).toBe(2);
    status(hub, 'b1', 'CONNECTED');
    expect(c1.events.map((e) => e.id)).toEqual([1]);
    expect(c2.events.map((e) => e.id)).toEqual([1, 2]);
    off2();
    off3();
    expect(hub.clientCount()).toBe(0);
    // b1 had events: its numbering and history survive with no subscribers.
    expect(hub.lastId('b1')).toBe(2);
    expect(hub.since('b1', 1)?.map((e) => e.id)).toEqual([2]);
    status(hub, 'b1', 'DISCONNECTED');
    expect(hub.lastId('b1')).toBe(3);
  });

  it('closeAll() closes every client of every bot once', () => {
    const hub = new SseHub();
    const clients = [recorder(), recorder(), recorder()];
    hub.subscribe('b1', clients[0]!);
    hub.subscribe('b1', clients[1]!);
    hub.subscribe('b2', clients[2]!);
    const late = recorder();
    const offLate = hub.subscribe('b3', late);
    offLate();
    hub.closeAll();
    expect(clients.map((c) => c.closed)).toEqual([1, 1, 1]);
    expect(late.closed).toBe(0);
  });

  it('lets a client unsubscribe from inside close() during closeAll() without skipping others', () => {
    const hub = new SseHub();
    const closed: string[] = [];
    const offs: (() => void)[] = [];
    for (const name of ['x', 'y', 'z']) {
      const client: SseClient = {
        send: () => {},
        close: () => {
          closed.push(name);
          offs.shift()?.();
        },
      };
      offs.push(hub.subscribe('b1', client));
    }
    hub.closeAll();
    expect(closed).toEqual(['x', 'y', 'z']);
    expect(hub.clientCount()).toBe(0);
  });
});
