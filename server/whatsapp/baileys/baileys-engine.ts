import {
  Browsers,
  DisconnectReason,
  makeCacheableSignalKeyStore,
  makeWASocket,
  type ConnectionState,
  type UserFacingSocketConfig,
  type WAMessage,
  type WASocket,
  proto,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import {
  phoneFromJid,
  QR_LIFETIME_MS,
  type EngineSession,
  type InboundMessage,
  type StartOptions,
  type WhatsAppEngine,
} from '../engine';
import { isLinkedCreds, loadAuthState, readCreds, wipeAuthState } from './db-auth-state';

// The WhatsApp Web engine. It drives a Baileys socket (the real one in production; a fake
// phone in the simulator and in tests, swapped in at `makeSocket`) through WhatsApp's real
// lifecycle: rotating QR refs, the 515 restart after a scan, 401/440/405 closes, backoff.

/** The part of a Baileys socket the engine uses. */
export type WASocketLike = Pick<WASocket, 'ev' | 'end' | 'logout' | 'requestPairingCode' | 'sendMessage'> & {
  user?: WASocket['user'];
};
/** The real `makeWASocket` ignores the second argument; the simulator uses it to know which bot's phone this is. */
export type MakeSocket = (config: UserFacingSocketConfig, ctx: { botId: string }) => WASocketLike;

export interface BaileysEngineOptions {
  name?: 'baileys' | 'simulator';
  makeSocket?: MakeSocket;
  /** QR lifetimes as WhatsApp sets them (first ref ≈ 60 s, later ≈ 20 s); used for `expiresAt`. */
  qrFirstMs?: number;
  qrNextMs?: number;
  /** Pairing codes stay valid while the socket waits for the phone: roughly every QR ref. */
  pairingCodeTtlMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** A never-linked session gives up after this many failed connects (the user retries). */
  maxUnlinkedFailures?: number;
  connectTimeoutMs?: number;
}

const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|WebSocket Error/i;

export function createBaileysEngine(opts: BaileysEngineOptions = {}): WhatsAppEngine {
  const makeSocket: MakeSocket = opts.makeSocket ?? ((config) => makeWASocket(config));
  const qrFirstMs = opts.qrFirstMs ?? QR_LIFETIME_MS.first;
  const qrNextMs = opts.qrNextMs ?? QR_LIFETIME_MS.next;
  const pairingTtl = opts.pairingCodeTtlMs ?? qrFirstMs + 5 * qrNextMs;
  const backoff = opts.backoff ?? { baseMs: 1_000, maxMs: 60_000 };
  const maxUnlinkedFailures = opts.maxUnlinkedFailures ?? 3;

  return {
    name: opts.name ?? 'baileys',
    async isLinked(botId) {
      return isLinkedCreds(await readCreds(botId));
    },
    wipe: wipeAuthState,
    start(start: StartOptions): EngineSession {
      const { botId, events } = start;
      const log: Logger = start.log;
      // Baileys logs a lot, including key material at trace level: warnings only.
      const baileysLog = log.child({ component: 'baileys' }, { level: log.isLevelEnabled('debug') ? 'info' : 'warn' });

      let sock: WASocketLike | undefined;
      let stopped = false;
      let linked = false;
      let opened = false;
      let qrAttempt = 0;
      let failures = 0;
      let pairingRequested = false;
      let displayName: string | undefined;
      let retryTimer: NodeJS.Timeout | undefined;

      const connect = async () => {
        if (stopped) return;
        const auth = await loadAuthState(botId, start.writer);
        if (stopped) return;
        linked = isLinkedCreds(auth.creds);
        // Each socket gets its own QR refs from WhatsApp (first one ≈ 60 s) and needs its own
        // pairing code: nothing of the previous socket's carries over.
        qrAttempt = 0;
        pairingRequested = false;
        const socket = makeSocket(
          {
            auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, baileysLog) },
            logger: baileysLog,
            browser: Browsers.ubuntu('Parley'),
            printQRInTerminal: false,
            markOnlineOnConnect: false,
            syncFullHistory: false,
            connectTimeoutMs: opts.connectTimeoutMs ?? 20_000,
          },
          { botId },
        );
        sock = socket;
        // Each socket's events are ignored once it is replaced or stopped.
        const current = () => sock === socket && !stopped;

        socket.ev.on('creds.update', (update) => {
          if (sock !== socket) return;
          auth.saveCreds().catch((err: unknown) => log.error({ err }, 'saving WhatsApp credentials failed'));
          const name = update.me?.name;
          if (opened && name && name !== '~' && name !== displayName && current()) {
            displayName = name;
            events.status('CONNECTED', { phoneNumber: phoneFromJid(socket.user?.id ?? auth.creds.me?.id), displayName });
          }
        });
        socket.ev.on('connection.update', (update) => {
          if (current()) void onUpdate(socket, update);
        });
        socket.ev.on('messages.upsert', ({ messages, type }) => {
          if (!current() || type !== 'notify') return;
          for (const m of messages) {
            const inbound = toInbound(m);
            if (inbound) events.message(inbound);
          }
        });
        socket.ev.on('messages.update', (updates) => {
          if (!current()) return;
          for (const { key, update } of updates) {
            const status = receiptStatus(update.status);
            if (key.fromMe && key.id && status) events.messageStatus(key.id, status);
          }
        });
      };

      const onUpdate = async (socket: WASocketLike, update: Partial<ConnectionState>) => {
        if (update.isNewLogin) {
          // The phone accepted the scan (pair-success). Say so now: WhatsApp's 515 restart and
          // the login that completes the link take a moment longer.
          events.status('STARTING', { reason: 'paired' });
          return;
        }
        if (update.qr) {
          if (start.method === 'pairing_code') {
            if (pairingRequested) return;
            pairingRequested = true;
            try {
              const code = await socket.requestPairingCode(start.phoneNumber ?? '');
              if (sock === socket && !stopped) events.pairingCode(code, new Date(Date.now() + pairingTtl));
            } catch (err) {
              log.warn({ err }, 'pairing code request failed');
              events.error('pairing_code_failed', 'WhatsApp did not issue a pairing code. Check the phone number and try again.');
            }
            return;
          }
          qrAttempt += 1;
          events.qr(update.qr, qrAttempt, new Date(Date.now() + (qrAttempt === 1 ? qrFirstMs : qrNextMs)));
          return;
        }

        if (update.connection === 'open') {
          opened = true;
          linked = true;
          failures = 0;
          const user = socket.user;
          if (user?.name && user.name !== '~') displayName = user.name;
          events.status('CONNECTED', { phoneNumber: phoneFromJid(user?.id), displayName });
          return;
        }

        if (update.connection !== 'close') return;
        const error = update.lastDisconnect?.error as (Error & { output?: { statusCode?: number } }) | undefined;
        const code = error?.output?.statusCode;
        const message = error?.message ?? 'connection closed';
        sock = undefined;
        opened = false;

        switch (code) {
          case DisconnectReason.restartRequired:
            // WhatsApp closes right after a successful scan; the same creds then log in. Not a failure.
            log.info('restart required after pairing; reconnecting');
            events.status('STARTING', { reason: 'restart_required' });
            void connect().catch(onConnectFailure);
            return;
          case DisconnectReason.loggedOut:
            stopped = true;
            await wipeAuthState(botId, start.writer).catch((err: unknown) => log.error({ err }, 'wiping credentials failed'));
            events.status('LOGGED_OUT', { reason: 'logged_out' });
            return;
          case DisconnectReason.connectionReplaced:
            stopped = true;
            events.status('ERROR', {
              reason: 'connection_replaced: this WhatsApp account was opened by another WhatsApp Web session; reconnect to take it back',
            });
            return;
          case 405:
            stopped = true;
            events.status('ERROR', {
              reason: 'whatsapp_version_outdated: WhatsApp refused this WhatsApp Web version; update Parley',
            });
            return;
          case DisconnectReason.forbidden:
            stopped = true;
            events.status('ERROR', { reason: 'forbidden: WhatsApp refused this account (it may be banned)' });
            return;
        }

        // The refs also run out while a pairing code waits to be entered (no QR is shown then).
        if ((qrAttempt > 0 || pairingRequested) && !linked && /QR refs attempts ended/i.test(message)) {
          stopped = true;
          events.status('DISCONNECTED', { reason: 'qr_timeout' });
          return;
        }
        onConnectFailure(error ?? new Error(message));
      };

      const onConnectFailure = (err: unknown) => {
        if (stopped) return;
        failures += 1;
        const message = err instanceof Error ? err.message : String(err);
        const unreachable = NETWORK_ERROR.test(message);
        events.error(
          unreachable ? 'whatsapp_unreachable' : 'connection_closed',
          unreachable ? 'WhatsApp could not be reached from this server (network or DNS).' : `WhatsApp closed the connection (${message}).`,
        );
        if (!linked && failures >= maxUnlinkedFailures) {
          stopped = true;
          events.status('ERROR', { reason: unreachable ? 'whatsapp_unreachable' : 'connection_failed' });
          return;
        }
        const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failures - 1));
        const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
        events.status('RECONNECTING', { reason: unreachable ? 'whatsapp_unreachable' : 'connection_lost' });
        retryTimer = setTimeout(() => void connect().catch(onConnectFailure), jittered);
      };

      const close = (s: WASocketLike | undefined) => {
        try {
          s?.end(undefined);
        } catch (err) {
          log.debug({ err }, 'socket end failed');
        }
      };

      events.status('STARTING');
      void connect().catch(onConnectFailure);

      /** Stops reconnecting and lets go of the socket: nothing it reports afterwards counts. */
      const detach = () => {
        stopped = true;
        clearTimeout(retryTimer);
        const s = sock;
        sock = undefined;
        return s;
      };

      return {
        async stop() {
          close(detach());
        },
        async logout() {
          const s = detach();
          if (s && opened) {
            // Tells the phone to remove this linked device; best effort if WhatsApp is gone.
            await s.logout().catch((err: unknown) => log.warn({ err }, 'WhatsApp logout failed; forgetting credentials anyway'));
          } else {
            close(s);
          }
          await wipeAuthState(botId, start.writer);
        },
        async sendText(to, text) {
          if (!sock || !opened) throw new Error('WhatsApp session is not connected');
          const sent = await sock.sendMessage(`${to}@s.whatsapp.net`, { text });
          return { externalId: sent?.key.id ?? '' };
        },
      };
    },
  };
}

function toInbound(m: WAMessage): InboundMessage | null {
  const key = m.key;
  if (!key || key.fromMe || !key.id) return null;
  // Direct chats only: groups, broadcasts and status updates are out of scope.
  const jid = [key.remoteJid, key.remoteJidAlt].find((j) => j?.endsWith('@s.whatsapp.net'));
  const from = phoneFromJid(jid);
  const content = m.message;
  if (!from || !content) return null;
  const kind = contentOf(content);
  if (!kind) return null;
  const ts = Number(m.messageTimestamp ?? 0);
  return {
    externalId: key.id,
    from,
    pushName: m.pushName ?? undefined,
    type: kind.type,
    text: kind.text,
    sentAt: ts > 0 ? new Date(ts * 1000) : new Date(),
  };
}

/** Text, or a media message with its caption; protocol messages (receipts, edits…) are not messages. */
function contentOf(c: proto.IMessage): { type: string; text: string } | null {
  const text = c.conversation ?? c.extendedTextMessage?.text;
  if (text) return { type: 'text', text };
  if (c.imageMessage) return { type: 'image', text: c.imageMessage.caption ?? '' };
  if (c.videoMessage) return { type: 'video', text: c.videoMessage.caption ?? '' };
  if (c.documentMessage) return { type: 'document', text: c.documentMessage.caption ?? c.documentMessage.fileName ?? '' };
  if (c.audioMessage) return { type: 'audio', text: '' };
  if (c.stickerMessage) return { type: 'sticker', text: '' };
  if (c.locationMessage) return { type: 'location', text: c.locationMessage.name ?? c.locationMessage.address ?? '' };
  if (c.contactMessage) return { type: 'contact', text: c.contactMessage.displayName ?? '' };
  return null;
}

const STATUS = proto.WebMessageInfo.Status;

/** Baileys' receipt levels → the inbox's ticks. */
function receiptStatus(status: number | null | undefined): 'sent' | 'delivered' | 'read' | 'failed' | null {
  switch (status) {
    case STATUS.SERVER_ACK:
      return 'sent';
    case STATUS.DELIVERY_ACK:
      return 'delivered';
    case STATUS.READ:
    case STATUS.PLAYED:
      return 'read';
    case STATUS.ERROR:
      return 'failed';
    default:
      return null;
  }
}
