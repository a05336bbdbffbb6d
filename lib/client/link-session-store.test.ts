import { describe, expect, it } from 'vitest';
import type { QrCodeUpdatedPayload, SessionStatusChangedPayload } from '@/lib/realtime/events';
import { createLinkSessionStore, describeFailure, onError, onQr, onSnapshot, onStatus, WATCHING } from './link-session-store';

const ts = '2026-11-22T10:00:00.000Z';
const qr = (code: string, attempt: number, botId = 'b1'): QrCodeUpdatedPayload => ({
  botId,
  sessionId: 's1',
  qrCode: code,
  status: 'QR_REQUIRED',
  expiresAt: ts,
  attempt,
  timestamp: ts,
});
const status = (p: Partial<SessionStatusChangedPayload>): SessionStatusChangedPayload => ({
  botId: 'b1',
  sessionId: 's1',
  status: 'STARTING',
  timestamp: ts,
  ...p,
});

function started() {
  const store = createLinkSessionStore('b1');
  store.getState().start('qr');
  return store;
}

describe('link session state machine', () => {
  it('ignores QR codes while nothing was started, and for other bots', () => {
    const store = createLinkSessionStore('b1');
    expect(onQr(store.getState(), qr('A', 1))).toBeNull();
    store.getState().start('qr');
    expect(onQr(store.getState(), qr('A', 1, 'other'))).toBeNull();
  });

  it('shows each rotation, then success with phone and name', () => {
    const store = started();
    const { apply } = store.getState();
    apply(onQr(store.getState(), qr('A', 1)));
    expect(store.getState()).toMatchObject({ phase: 'qr', qrCode: 'A', attempt: 1 });
    apply(onQr(store.getState(), qr('B', 2)));
    expect(store.getState()).toMatchObject({ phase: 'qr', qrCode: 'B', attempt: 2 });
    apply(onStatus(store.getState(), status({ status: 'STARTING', reason: 'paired' })));
    expect(store.getState()).toMatchObject({ phase: 'paired', qrCode: null });
    expect(WATCHING.has('paired')).toBe(true);
    apply(onStatus(store.getState(), status({ status: 'CONNECTED', phoneNumber: '15550001111', displayName: 'Acme' })));
    expect(store.getState()).toMatchObject({ phase: 'connected', phoneNumber: '15550001111', displayName: 'Acme' });
    expect(WATCHING.has('connected')).toBe(false);
  });

  it('turns qr_timeout into an expiry with a retry, and errors into plain words', () => {
    const store = started();
    store.getState().apply(onStatus(store.getState(), status({ status: 'DISCONNECTED', reason: 'qr_timeout' })));
    expect(store.getState().phase).toBe('expired');

    const s2 = started();
    s2.getState().apply(onStatus(s2.getState(), status({ status: 'ERROR', reason: 'connection_replaced: opened elsewhere' })));
    expect(s2.getState().phase).toBe('failed');
    expect(s2.getState().error?.code).toBe('connection_replaced');
    expect(s2.getState().error?.message).toMatch(/another WhatsApp Web session/);

  });

  it('a connection_error keeps watching (the engine retries) and explains; a new QR clears it', () => {
    const store = started();
    const { apply } = store.getState();
    apply(onQr(store.getState(), qr('A', 1)));
    apply(onError(store.getState(), { botId: 'b1', sessionId: 's1', code: 'whatsapp_unreachable', error: 'x', timestamp: ts }));
    expect(store.getState()).toMatchObject({ phase: 'qr', reconnecting: true, error: { code: 'whatsapp_unreachable' } });
    expect(store.getState().error?.message).toMatch(/cannot reach WhatsApp/);
    expect(WATCHING.has(store.getState().phase)).toBe(true);
    apply(onQr(store.getState(), qr('B', 2)));
    expect(store.getState()).toMatchObject({ phase: 'qr', qrCode: 'B', error: null, reconnecting: false });
    // An error for an older attempt is ignored.
    apply(onError(store.getState(), { botId: 'b1', sessionId: 'old', code: 'connection_closed', error: 'x', timestamp: ts }));
    expect(store.getState().error).toBeNull();
  });

  it('unknown reasons keep the engine’s own detail', () => {
    expect(describeFailure('weird_thing: the socket melted')).toEqual({ code: 'weird_thing', message: 'The socket melted.' });
  });

  it('a snapshot never takes a shown QR away for a mere STARTING, but a newer QR replaces it', () => {
    const store = started();
    const { apply } = store.getState();
    apply(onQr(store.getState(), qr('A', 1)));
    apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 's1', status: 'STARTING' }));
    expect(store.getState()).toMatchObject({ phase: 'qr', qrCode: 'A' });
    apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 's1', status: 'QR_REQUIRED', qrCode: 'C', qrExpiresAt: ts }));
    expect(store.getState()).toMatchObject({ phase: 'qr', qrCode: 'C', attempt: 2 });
  });

  it('a snapshot after a reconnect catches up a link that happened while offline', () => {
    const store = started();
    store.getState().apply(onQr(store.getState(), qr('A', 1)));
    store.getState().apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 's1', status: 'CONNECTED', phoneNumber: '1555', displayName: 'X' }));
    expect(store.getState()).toMatchObject({ phase: 'connected', phoneNumber: '1555' });
  });

  it('a stopped session seen by a snapshot is an expiry, except before the server has started', () => {
    const store = started();
    store.getState().apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 's1', status: 'DISCONNECTED' }));
    expect(store.getState().phase).toBe('starting');
    store.getState().apply(onQr(store.getState(), qr('A', 1)));
    store.getState().apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 's1', status: 'DISCONNECTED' }));
    expect(store.getState().phase).toBe('expired');
  });

  it('relinking a logged-out bot: the LOGGED_OUT snapshot from before the start is not a failure', () => {
    const store = started();
    store.getState().apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 'old', status: 'LOGGED_OUT' }));
    store.getState().apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 'old', status: 'ERROR' }));
    expect(store.getState().phase).toBe('starting');
    store.getState().apply(onQr(store.getState(), qr('A', 1)));
    expect(store.getState()).toMatchObject({ phase: 'qr', qrCode: 'A' });
  });

  it('pairing-code mode shows the code, not the QR', () => {
    const store = createLinkSessionStore('b1');
    store.getState().start('pairing_code');
    store.getState().apply(onSnapshot(store.getState(), { botId: 'b1', sessionId: 's1', status: 'QR_REQUIRED', qrCode: 'A', pairingCode: 'ABCD1234' }));
    expect(store.getState()).toMatchObject({ phase: 'pairing', pairingCode: 'ABCD1234' });
  });
});
