import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Boom } from '@hapi/boom';
import type { AuthenticationCreds, UserFacingSocketConfig, WAMessage } from '@whiskeysockets/baileys';
import type { WASocketLike } from './baileys-engine';

// A stand-in for Baileys' socket at its network edge: the same event names and payload shapes
// (connection.update, creds.update, messages.upsert; closes carry a Boom with output.statusCode),
// driven by a test or by the simulator instead of WhatsApp's servers.

export class FakeWASocket {
  readonly emitter = new EventEmitter();
  readonly ev = this.emitter as unknown as WASocketLike['ev'];
  readonly creds: AuthenticationCreds;
  readonly sent: { jid: string; text: string; id: string }[] = [];
  user?: { id: string; name?: string };
  ended = false;
  pairingPhone?: string;

  constructor(readonly config: UserFacingSocketConfig) {
    this.creds = config.auth.creds;
    // Baileys' socket merges every creds.update into the creds object itself.
    this.emitter.on('creds.update', (update: Partial<AuthenticationCreds>) => Object.assign(this.creds, update));
  }

  emit(event: string, payload: unknown): void {
    this.emitter.emit(event, payload);
  }

  emitQr(qr: string): void {
    this.emit('connection.update', { qr });
  }

  open(user: { id: string; name?: string }): void {
    this.user = user;
    this.emit('connection.update', { connection: 'open' });
  }

  /** Closes as WhatsApp would, e.g. 515 after pairing, 401 logged out, 440 replaced. */
  close(statusCode: number, message = 'Connection Terminated'): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: new Boom(message, { statusCode }), date: new Date() },
    });
  }

  /** A successful pairing, as the phone's scan produces it. */
  pair(me: { id: string; name?: string }): void {
    this.emit('creds.update', pairedCreds(me));
    this.emit('connection.update', { isNewLogin: true, qr: undefined });
  }

  inbound(msg: { from: string; pushName?: string; text: string; id?: string }): WAMessage {
    const message: WAMessage = {
      key: { remoteJid: `${msg.from}@s.whatsapp.net`, fromMe: false, id: msg.id ?? `3EB0${randomBytes(8).toString('hex').toUpperCase()}` },
      message: { conversation: msg.text },
      pushName: msg.pushName,
      messageTimestamp: Math.floor(Date.now() / 1000),
    };
    this.emit('messages.upsert', { messages: [message], type: 'notify' });
    return message;
  }

  // --- the WASocket surface the engine calls ---

  end = (error: Error | undefined): void => {
    if (this.ended) return;
    this.ended = true;
    this.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: error ?? new Boom('Connection Closed', { statusCode: 428 }), date: new Date() },
    });
  };

  logout = async (): Promise<void> => {
    this.close(401, 'Intentional Logout');
  };

  requestPairingCode = async (phoneNumber: string): Promise<string> => {
    this.pairingPhone = phoneNumber;
    this.emit('creds.update', { me: { id: `${phoneNumber}@s.whatsapp.net`, name: '~' } });
    // Crockford base32 without I, L, O, U, as WhatsApp shows it.
    const alphabet = '123456789ABCDEFGHJKMNPQRSTVWXYZ';
    return Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
  };

  sendMessage = async (jid: string, content: { text?: string }): Promise<WAMessage> => {
    if (this.ended) throw new Boom('Connection Closed', { statusCode: 428 });
    const id = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    this.sent.push({ jid, text: content.text ?? '', id });
    return { key: { remoteJid: jid, fromMe: true, id }, message: { conversation: content.text ?? '' } };
  };
}

/** What a successful pairing adds to the creds: the account identity the phone signed. */
export function pairedCreds(me: { id: string; name?: string }): Partial<AuthenticationCreds> {
  return {
    me,
    platform: 'android',
    account: {
      details: randomBytes(32),
      accountSignatureKey: randomBytes(32),
      accountSignature: randomBytes(64),
      deviceSignature: randomBytes(64),
    },
  } as Partial<AuthenticationCreds>;
}

/** Lets a FakeWASocket stand where the engine expects a Baileys socket. */
export function asSocket(fake: FakeWASocket): WASocketLike {
  return fake as unknown as WASocketLike;
}
