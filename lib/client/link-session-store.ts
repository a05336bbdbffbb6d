import { createStore } from 'zustand/vanilla';
import type {
  ConnectionErrorPayload,
  PairingCodeUpdatedPayload,
  QrCodeUpdatedPayload,
  SessionSnapshot,
  SessionStatusChangedPayload,
} from '@/lib/realtime/events';

/**
 * The "link WhatsApp" step as a small state machine, fed by whatever arrives first: socket
 * events, the snapshot a (re)subscription answers with, or a poll while the socket is down.
 *
 * idle      nothing started: "Show QR code" / "Use phone number instead"
 * starting  asked the server to start; waiting for the first QR or pairing code
 * qr        a QR is on screen (rotates live)
 * pairing   a pairing code is on screen
 * paired    the phone accepted; WhatsApp is finishing the login (a restart, < 1 s)
 * connected linked: phone number and name known
 * expired   every QR ref ran out (`qr_timeout`): "Generate new QR"
 * failed    an error worth telling the user, with a retry
 */
export type LinkPhase = 'idle' | 'starting' | 'qr' | 'pairing' | 'paired' | 'connected' | 'expired' | 'failed';

export interface LinkState {
  botId: string;
  phase: LinkPhase;
  method: 'qr' | 'pairing_code';
  sessionId: string | null;
  qrCode: string | null;
  qrExpiresAt: string | null;
  attempt: number;
  pairingCode: string | null;
  pairingExpiresAt: string | null;
  phoneNumber: string | null;
  displayName: string | null;
  /** Plain words for the user (failed phase), plus the machine code for tests and support. */
  error: { code: string; message: string } | null;
  /** WhatsApp is retrying a dropped connection; the QR stays but a notice shows. */
  reconnecting: boolean;
}

/** Phases in which a QR or pairing code is (about to be) on screen: the only time we watch `session:{botId}`. */
export const WATCHING: ReadonlySet<LinkPhase> = new Set(['starting', 'qr', 'pairing', 'paired']);

export function initialLinkState(botId: string): LinkState {
  return {
    botId,
    phase: 'idle',
    method: 'qr',
    sessionId: null,
    qrCode: null,
    qrExpiresAt: null,
    attempt: 0,
    pairingCode: null,
    pairingExpiresAt: null,
    phoneNumber: null,
    displayName: null,
    error: null,
    reconnecting: false,
  };
}

const PLAIN_WORDS: Record<string, string> = {
  whatsapp_unreachable: 'Parley cannot reach WhatsApp right now. Check the server’s internet connection, then try again.',
  connection_failed: 'The connection to WhatsApp failed before the phone was linked. Try again.',
  connection_closed: 'WhatsApp closed the connection. Try again.',
  connection_replaced:
    'This WhatsApp account was opened in another WhatsApp Web session, which took over. Link again to take it back.',
  whatsapp_version_outdated: 'WhatsApp refused this version of WhatsApp Web. Update Parley, then try again.',
  forbidden: 'WhatsApp refused this account (it may be banned or restricted).',
  logged_out: 'The phone logged this bot out. Show a new QR code to link it again.',
  pairing_code_failed: 'WhatsApp did not issue a pairing code. Check the phone number and try again.',
  qr_timeout: 'The QR code expired before it was scanned.',
  service_unavailable: 'The live connection is down. Parley will keep trying; you can also retry now.',
  not_found: 'This bot no longer exists.',
  forbidden_role: 'You do not have permission to link this bot.',
};

/** "code: detail" reasons (from the engine) or bare codes, as something a person can act on. */
export function describeFailure(codeOrReason: string | undefined, fallback?: string): { code: string; message: string } {
  const raw = codeOrReason ?? 'error';
  const code = raw.split(':')[0]!.trim();
  const detail = raw.includes(':') ? raw.slice(raw.indexOf(':') + 1).trim() : undefined;
  const message = PLAIN_WORDS[code] ?? fallback ?? (detail ? capitalize(detail) + '.' : 'Something went wrong while linking. Try again.');
  return { code, message };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const active = (s: LinkState) => WATCHING.has(s.phase);

/** A newer session (a retry) replaces everything from the old one. */
function sameOrNewer(s: LinkState, sessionId: string | undefined): boolean {
  return !sessionId || !s.sessionId || s.sessionId === sessionId;
}

export function onQr(s: LinkState, p: QrCodeUpdatedPayload): Partial<LinkState> | null {
  if (p.botId !== s.botId || !active(s) || s.phase === 'paired') return null;
  return {
    phase: s.method === 'pairing_code' && s.pairingCode ? 'pairing' : 'qr',
    sessionId: p.sessionId,
    qrCode: p.qrCode,
    qrExpiresAt: p.expiresAt,
    attempt: p.attempt,
    error: null,
    reconnecting: false,
  };
}

export function onPairingCode(s: LinkState, p: PairingCodeUpdatedPayload): Partial<LinkState> | null {
  if (p.botId !== s.botId || !active(s)) return null;
  return { phase: 'pairing', sessionId: p.sessionId, pairingCode: p.code, pairingExpiresAt: p.expiresAt, error: null };
}

export function onStatus(s: LinkState, p: SessionStatusChangedPayload): Partial<LinkState> | null {
  if (p.botId !== s.botId) return null;
  if (p.status === 'CONNECTED') {
    // Success counts even if the user had clicked away from the QR: the phone did link.
    return { phase: 'connected', sessionId: p.sessionId, phoneNumber: p.phoneNumber ?? null, displayName: p.displayName ?? null, error: null, qrCode: null };
  }
  if (!active(s) || !sameOrNewer(s, p.sessionId)) return null;
  switch (p.status) {
    case 'STARTING':
      return p.reason === 'paired' ? { phase: 'paired', qrCode: null, reconnecting: false } : null;
    case 'RECONNECTING':
      return { reconnecting: true };
    case 'QR_REQUIRED':
      return { reconnecting: false, error: null };
    case 'DISCONNECTED':
      if (p.reason === 'qr_timeout') return { phase: 'expired', qrCode: null, pairingCode: null, error: describeFailure('qr_timeout') };
      return { phase: 'failed', qrCode: null, pairingCode: null, error: describeFailure(p.reason, 'Linking stopped. Try again.') };
    case 'LOGGED_OUT':
      return { phase: 'failed', qrCode: null, pairingCode: null, error: describeFailure('logged_out') };
    case 'ERROR':
      return { phase: 'failed', qrCode: null, pairingCode: null, error: describeFailure(p.reason) };
  }
}

/**
 * `connection_error` is not the end: the engine retries (RECONNECTING) and only a final ERROR
 * stops it. So keep watching, say what is wrong in plain words, and offer a retry meanwhile.
 */
export function onError(s: LinkState, p: ConnectionErrorPayload): Partial<LinkState> | null {
  if (p.botId !== s.botId || !active(s) || !sameOrNewer(s, p.sessionId || undefined)) return null;
  return { error: describeFailure(p.code, p.error), reconnecting: true };
}

/**
 * A full snapshot (subscribe ack, re-join after a reconnect, or a poll). It is at least as new as
 * any event before it, but it carries no reason, so it only moves the machine forward: it never
 * takes a QR off screen for a mere STARTING, and treats a stop as an expiry the user can retry.
 */
export function onSnapshot(s: LinkState, snap: SessionSnapshot): Partial<LinkState> | null {
  if (snap.botId !== s.botId) return null;
  if (snap.status === 'CONNECTED') {
    return { phase: 'connected', sessionId: snap.sessionId, phoneNumber: snap.phoneNumber ?? null, displayName: snap.displayName ?? null, qrCode: null, error: null };
  }
  if (!active(s)) return null;
  const base = { sessionId: snap.sessionId || s.sessionId };
  if (snap.pairingCode && s.method === 'pairing_code') {
    return { ...base, phase: 'pairing', pairingCode: snap.pairingCode, reconnecting: false };
  }
  if (snap.status === 'QR_REQUIRED' && snap.qrCode) {
    const rotated = snap.qrCode !== s.qrCode;
    return {
      ...base,
      phase: s.method === 'pairing_code' && s.pairingCode ? 'pairing' : 'qr',
      qrCode: snap.qrCode,
      qrExpiresAt: snap.qrExpiresAt ?? s.qrExpiresAt,
      attempt: rotated ? s.attempt + 1 : s.attempt,
      reconnecting: false,
    };
  }
  if (snap.status === 'RECONNECTING') return { ...base, reconnecting: true };
  // While starting, a stopped session is the state from before our start (the subscribe ack can
  // overtake it): the start's own events and ack say what happens next.
  if (s.phase === 'starting') return null;
  if (snap.status === 'DISCONNECTED') return { phase: 'expired', qrCode: null, pairingCode: null, error: describeFailure('qr_timeout') };
  if (snap.status === 'LOGGED_OUT') return { phase: 'failed', qrCode: null, pairingCode: null, error: describeFailure('logged_out') };
  if (snap.status === 'ERROR') return { phase: 'failed', qrCode: null, pairingCode: null, error: describeFailure('connection_failed') };
  return null;
}

export interface LinkActions {
  start(method: 'qr' | 'pairing_code'): void;
  fail(code: string, message?: string): void;
  reset(): void;
  apply(patch: Partial<LinkState> | null): void;
}

export type LinkStore = ReturnType<typeof createLinkSessionStore>;

/** One store per link step on screen (never module-level): two tabs or two bots never share state. */
export function createLinkSessionStore(botId: string) {
  return createStore<LinkState & LinkActions>()((set) => ({
    ...initialLinkState(botId),
    start: (method) =>
      set({ ...initialLinkState(botId), phase: 'starting', method }),
    fail: (code, message) => set({ phase: 'failed', qrCode: null, pairingCode: null, error: describeFailure(code, message) }),
    reset: () => set(initialLinkState(botId)),
    apply: (patch) => {
      if (patch) set(patch);
    },
  }));
}
