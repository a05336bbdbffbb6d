import { randomBytes, randomInt } from 'node:crypto';
import { buildPairingQRData } from '@whiskeysockets/baileys';
import { AppError } from '@/lib/errors';
import type { SimulatedDisconnect, SimulatorControl } from '@/lib/whatsapp/session-control';
import { createBaileysEngine } from '../baileys/baileys-engine';
import { asSocket, FakeWASocket } from '../baileys/fake-wa-socket';
import type { WhatsAppEngine } from '../engine';

// The built-in fake phone (WHATSAPP_ENGINE=simulator). It stands at Baileys' network edge, so
// the real engine code runs unchanged: QR refs rotate on WhatsApp's timing, a scan pairs and
// then forces the 515 restart, and the restarted socket logs in with the stored creds.

export interface SimulatorTiming {
  qrFirstMs: number;
  qrNextMs: number;
  qrRefs: number;
  restartMs: number;
  /** From a send to the contact's delivery receipt. */
  deliveryMs?: number;
}


const CLOSE_CODES: Record<SimulatedDisconnect, [number, string]> = {
  logged_out: [401, 'Intentional Logout'],
  connection_replaced: [440, 'Stream Errored (conflict)'],
  connection_lost: [428, 'Connection Terminated'],
  outdated_version: [405, 'Connection Failure'],
};


class SimulatedPhone extends FakeWASocket {
  private refs: string[] = [];
  private timer?: NodeJS.Timeout;
  qrShowing = false;

  start(timing: SimulatorTiming, onEnd: () => void): void {
    setImmediate(() => {
      if (this.ended) return;
      this.emit('connection.update', { connection: 'connecting' });
      const me = this.creds.me;
      if (me?.id && this.creds.account) {
        this.open({ id: me.id, name: me.name });
        return;
      }
      this.refs = Array.from({ length: timing.qrRefs }, () => `2@${randomBytes(48).toString('base64')}`);
      let ttl = timing.qrFirstMs;
      const next = () => {
        if (this.ended) return;
        const ref = this.refs.shift();
        if (!ref) {
          this.qrShowing = false;
          this.close(408, 'QR refs attempts ended');
          return;
        }
        this.qrShowing = true;
        const c = this.creds;
        this.emitQr(
          buildPairingQRData(
            ref,
            Buffer.from(c.noiseKey.public).toString('base64'),
            Buffer.from(c.signedIdentityKey.public).toString('base64'),
            c.advSecretKey,
            this.config.browser ?? ['Ubuntu', 'Chrome', '22.04'],
          ),
        );
        this.timer = setTimeout(next, ttl);
        ttl = timing.qrNextMs;
      };
      next();
    });
    this.emitter.on('connection.update', (u: { connection?: string }) => {
      if (u.connection === 'close') {
        clearTimeout(this.timer);
        this.qrShowing = false;
        onEnd();
      }
    });
  }

  stopQr(): void {
    clearTimeout(this.timer);
    this.qrShowing = false;
  }
}

export function createSimulator(timing: SimulatorTiming): { engine: WhatsAppEngine; control: SimulatorControl } {
  const phones = new Map<string, SimulatedPhone>();
  const outboxes = new Map<string, { to: string; text: string; id: string }[]>();

  const engine = createBaileysEngine({
    name: 'simulator',
    qrFirstMs: timing.qrFirstMs,
    qrNextMs: timing.qrNextMs,
    makeSocket: (config, { botId }) => {
      const phone = new SimulatedPhone(config);
      phones.set(botId, phone);
      const sendMessage = phone.sendMessage;
      phone.sendMessage = async (jid, content) => {
        const sent = await sendMessage(jid, content);
        const box = outboxes.get(botId) ?? [];
        box.push({ to: jid.split('@')[0] ?? jid, text: content.text ?? '', id: sent.key.id ?? '' });
        outboxes.set(botId, box.slice(-200));
        // The contact's phone acknowledges: two grey ticks shortly after the send.
        setTimeout(() => {
          if (!phone.ended) phone.emit('messages.update', [{ key: sent.key, update: { status: 3 } }]);
        }, timing.deliveryMs ?? 150);
        return sent;
      };
      phone.start(timing, () => {
        if (phones.get(botId) === phone) phones.delete(botId);
      });
      return asSocket(phone);
    },
  });

  const phoneOf = (botId: string) => {
    const phone = phones.get(botId);
    if (!phone || phone.ended) throw new AppError('conflict', 'This bot has no WhatsApp session running. Connect it first.');
    return phone;
  };

  return {
    engine,
    control: {
      scan(botId, opts = {}) {
        const phone = phoneOf(botId);
        if (!phone.qrShowing) throw new AppError('conflict', 'There is no QR code to scan: the bot is not waiting for a phone.');
        const phoneNumber = opts.phoneNumber ?? `1555${randomInt(1_000_000, 9_999_999)}`;
        const displayName = opts.displayName ?? 'Simulated Phone';
        phone.stopQr();
        phone.pair({ id: `${phoneNumber}:${randomInt(2, 40)}@s.whatsapp.net`, name: displayName });
        // WhatsApp closes the socket after pairing and expects a fresh login (515).
        setTimeout(() => phone.close(515, 'Stream Errored (restart required)'), timing.restartMs);
        return { phoneNumber, displayName };
      },
      message(botId, msg) {
        const phone = phoneOf(botId);
        if (!phone.user) throw new AppError('conflict', 'The bot is not connected to WhatsApp yet.');
        const sent = phone.inbound({ from: msg.from, pushName: msg.name, text: msg.text });
        return { externalId: sent.key.id ?? '' };
      },
      disconnect(botId, reason) {
        const [code, message] = CLOSE_CODES[reason];
        phoneOf(botId).close(code, message);
      },
      outbox: (botId) => [...(outboxes.get(botId) ?? [])],
    },
  };
}
