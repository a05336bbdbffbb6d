import { randomBytes } from 'node:crypto';
import { Boom } from '@hapi/boom';
import type { WAMessage } from '@whiskeysockets/baileys';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { whatsappAuth } from '@/lib/db/schema';
import type { SessionStatus } from '@/lib/realtime/events';
import { setupTestEnv } from '@/test/setup-env';
import { setupBotsDb } from '@/test/bots-db';
import type { ConnectMethod, EngineEvents, EngineSession, InboundMessage, StatusInfo } from '../engine';
import { createBaileysEngine, type BaileysEngineOptions } from './baileys-engine';
import { isLinkedCreds, loadAuthState, readCreds } from './db-auth-state';
import { asSocket, FakeWASocket, pairedCreds } from './fake-wa-socket';

setupTestEnv();

const log = pino({ level: 'silent' });
const PHONE = '15550102000';
const ME = { id: `${PHONE}:12@s.whatsapp.net`, name: 'Ada' };
const OFFLINE = 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

type Call =
  | { type: 'qr'; qr: string; attempt: number; expiresAt: Date }
  | { type: 'pairingCode'; code: string; expiresAt: Date }
  | { type: 'status'; status: SessionStatus; info?: StatusInfo }
  | { type: 'error'; code: string; message: string }
  | { type: 'message'; message: InboundMessage }
  | { type: 'messageStatus'; externalId: string; status: string };

function recorder() {
  const calls: Call[] = [];
  const events: EngineEvents = {
    qr: (qr, attempt, expiresAt) => void calls.push({ type: 'qr', qr, attempt, expiresAt }),
    pairingCode: (code, expiresAt) => void calls.push({ type: 'pairingCode', code, expiresAt }),
    status: (status, info) => void calls.push({ type: 'status', status, info }),
    error: (code, message) => void calls.push({ type: 'error', code, message }),
    message: (message) => void calls.push({ type: 'message', message }),
    messageStatus: (externalId, status) => void calls.push({ type: 'messageStatus', externalId, status }),
  };
  const of = <T extends Call['type']>(type: T) => calls.filter((c): c is Extract<Call, { type: T }> => c.type === type);
  return {
    calls,
    events,
    of,
    statuses: () => of('status').map((c) => c.status),
    lastStatus: () => of('status').at(-1),
  };
}

const botsDb = setupBotsDb('Engine tests');
const sessions: EngineSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
});

const newBot = () => botsDb.newBot();

const authRows = (botId: string) => botsDb.handle.db.select().from(whatsappAuth).where(eq(whatsappAuth.botId, botId));

/** Stores creds the phone has approved, as a previous pairing would have left them. */
async function seedLinked(botId: string): Promise<void> {
  const state = await loadAuthState(botId);
  Object.assign(state.creds, pairedCreds(ME));
  await state.saveCreds();
}

interface Harness {
  botId: string;
  sockets: FakeWASocket[];
  rec: ReturnType<typeof recorder>;
  session: EngineSession;
  /** Waits until the engine has created socket number n (1-based) and returns it. */
  socket(n: number): Promise<FakeWASocket>;
}

async function startEngine(
  opts: { method?: ConnectMethod; phoneNumber?: string; botId?: string; engine?: BaileysEngineOptions } = {},
): Promise<Harness> {
  const botId = opts.botId ?? (await newBot());
  const sockets: FakeWASocket[] = [];
  const engine = createBaileysEngine({
    qrFirstMs: 60_000,
    qrNextMs: 20_000,
    backoff: { baseMs: 5, maxMs: 20 },
    ...opts.engine,
    makeSocket: (config) => {
      const fake = new FakeWASocket(config);
      sockets.push(fake);
      return asSocket(fake);
    },
  });
  const rec = recorder();
  const session = engine.start({ botId, sessionId: `session-${botId}`, method: opts.method ?? 'qr', phoneNumber: opts.phoneNumber, events: rec.events, log });
  sessions.push(session);
  const socket = async (n: number) => {
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThanOrEqual(n), { timeout: 5_000, interval: 2 });
    return sockets[n - 1]!;
  };
  return { botId, sockets, rec, session, socket };
}

/** An engine for a bot whose creds a previous pairing already linked. */
async function startLinked(opts: Omit<Parameters<typeof startEngine>[0], 'botId'> = {}): Promise<Harness> {
  const botId = await newBot();
  await seedLinked(botId);
  return startEngine({ ...opts, botId });
}

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const until = (check: () => void, timeout = 5_000) => vi.waitFor(check, { timeout, interval: 2 });

describe('Baileys engine', () => {
  it('reports STARTING, then each rotating QR ref with its attempt number and lifetime', async () => {
    const h = await startEngine({ engine: { qrFirstMs: 60_000, qrNextMs: 20_000 } });
    expect(h.rec.calls[0]).toEqual({ type: 'status', status: 'STARTING', info: undefined });
    const s = await h.socket(1);
    expect(s.config.printQRInTerminal).toBe(false);

    let before = Date.now();
    s.emitQr('2@ref-one');
    let after = Date.now();
    s.emitQr('2@ref-two');
    s.emitQr('2@ref-three');
    await until(() => expect(h.rec.of('qr')).toHaveLength(3));
    const [q1, q2, q3] = h.rec.of('qr');
    expect([q1!.qr, q1!.attempt]).toEqual(['2@ref-one', 1]);
    expect(q1!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(q1!.expiresAt.getTime()).toBeLessThanOrEqual(after + 60_000);
    expect([q2!.qr, q2!.attempt, q3!.qr, q3!.attempt]).toEqual(['2@ref-two', 2, '2@ref-three', 3]);
    before = Date.now() - 1_000;
    after = Date.now();
    for (const q of [q2!, q3!]) {
      expect(q.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 20_000 - 1_000);
      expect(q.expiresAt.getTime()).toBeLessThanOrEqual(after + 20_000);
    }
    expect(h.rec.statuses()).toEqual(['STARTING']);
    expect(h.sockets).toHaveLength(1);
  });

  it('after a scan, reconnects on 515 with the same now-linked creds and reports CONNECTED with phone and name', async () => {
    const h = await startEngine();
    const first = await h.socket(1);
    first.emitQr('2@ref-one');
    first.pair(ME);
    first.close(515, 'Stream Errored (restart required)');

    const second = await h.socket(2);
    expect(h.rec.lastStatus()).toEqual({ type: 'status', status: 'STARTING', info: { reason: 'restart_required' } });
    // The restarted socket logs in with the creds the scan produced (same identity keys, linked).
    expect(isLinkedCreds(second.creds)).toBe(true);
    expect(second.creds.me?.id).toBe(ME.id);
    expect(Buffer.from(second.creds.noiseKey.private).equals(Buffer.from(first.creds.noiseKey.private))).toBe(true);
    expect(h.rec.of('error')).toEqual([]);

    second.open(ME);
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    expect(h.rec.lastStatus()?.info).toEqual({ phoneNumber: PHONE, displayName: 'Ada' });
    expect(h.rec.of('status').map((c) => [c.status, c.info?.reason])).toEqual([
      ['STARTING', undefined],
      ['STARTING', 'paired'],
      ['STARTING', 'restart_required'],
      ['CONNECTED', undefined],
    ]);
    expect(h.sockets).toHaveLength(2);
    expect(isLinkedCreds(await readCreds(h.botId))).toBe(true);
  });

  it('on 401 logged out: wipes the stored creds, reports LOGGED_OUT and does not reconnect', async () => {
    const h = await startLinked();
    const botId = h.botId;
    const s = await h.socket(1);
    s.open(ME);
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    expect(await authRows(botId)).not.toHaveLength(0);

    s.close(401, 'Connection Failure');
    await until(() => expect(h.rec.lastStatus()).toEqual({ type: 'status', status: 'LOGGED_OUT', info: { reason: 'logged_out' } }));
    expect(await authRows(botId)).toEqual([]);
    await settle();
    expect(h.sockets).toHaveLength(1);
    expect(h.rec.of('error')).toEqual([]);
  });

  it('on 440 connection replaced: ERROR connection_replaced, no reconnect', async () => {
    const h = await startLinked();
    const botId = h.botId;
    const s = await h.socket(1);
    s.open(ME);
    s.close(440, 'Stream Errored (conflict)');
    await until(() => expect(h.rec.lastStatus()?.status).toBe('ERROR'));
    expect(h.rec.lastStatus()?.info?.reason).toMatch(/^connection_replaced/);
    await settle();
    expect(h.sockets).toHaveLength(1);
    // The creds stay: the user can take the account back without a new scan.
    expect(isLinkedCreds(await readCreds(botId))).toBe(true);
  });

  it.each([
    [405, /^whatsapp_version_outdated/],
    [403, /^forbidden/],
  ])('on %i: ERROR with a clear reason, no reconnect', async (code, reason) => {
    const h = await startEngine();
    const s = await h.socket(1);
    s.close(code, 'Connection Failure');
    await until(() => expect(h.rec.lastStatus()?.status).toBe('ERROR'));
    expect(h.rec.lastStatus()?.info?.reason).toMatch(reason);
    await settle();
    expect(h.sockets).toHaveLength(1);
  });

  it('when the QR refs run out (408 after a QR): DISCONNECTED qr_timeout, no error, no reconnect', async () => {
    const h = await startEngine();
    const s = await h.socket(1);
    s.emitQr('2@ref-one');
    s.emitQr('2@ref-two');
    s.close(408, 'QR refs attempts ended');
    await until(() => expect(h.rec.lastStatus()).toEqual({ type: 'status', status: 'DISCONNECTED', info: { reason: 'qr_timeout' } }));
    expect(h.rec.of('error')).toEqual([]);
    await settle();
    expect(h.sockets).toHaveLength(1);
  });

  it('when WhatsApp is unreachable: connection_error whatsapp_unreachable, RECONNECTING with backoff, then ERROR after maxUnlinkedFailures', async () => {
    const h = await startEngine({ engine: { maxUnlinkedFailures: 3 } });
    for (let n = 1; n <= 3; n++) {
      const s = await h.socket(n);
      s.end(new Boom(OFFLINE, { statusCode: 408 }));
      await until(() => expect(h.rec.of('error')).toHaveLength(n));
    }
    await until(() => expect(h.rec.lastStatus()?.status).toBe('ERROR'));
    expect(h.rec.of('error').map((e) => e.code)).toEqual(['whatsapp_unreachable', 'whatsapp_unreachable', 'whatsapp_unreachable']);
    expect(h.rec.of('error')[0]?.message).toMatch(/could not be reached/);
    expect(h.rec.of('status').map((c) => [c.status, c.info?.reason])).toEqual([
      ['STARTING', undefined],
      ['RECONNECTING', 'whatsapp_unreachable'],
      ['RECONNECTING', 'whatsapp_unreachable'],
      ['ERROR', 'whatsapp_unreachable'],
    ]);
    await settle(80);
    expect(h.sockets).toHaveLength(3);
  });

  it('reports other closes as connection_closed / connection_lost, and gives up with connection_failed', async () => {
    const h = await startEngine({ engine: { maxUnlinkedFailures: 2 } });
    (await h.socket(1)).close(428, 'Connection Terminated');
    (await h.socket(2)).close(500, 'Stream Errored (unknown)');
    await until(() => expect(h.rec.lastStatus()?.status).toBe('ERROR'));
    expect(h.rec.of('error').map((e) => e.code)).toEqual(['connection_closed', 'connection_closed']);
    expect(h.rec.of('error')[0]?.message).toContain('Connection Terminated');
    expect(h.rec.of('status').map((c) => [c.status, c.info?.reason])).toEqual([
      ['STARTING', undefined],
      ['RECONNECTING', 'connection_lost'],
      ['ERROR', 'connection_failed'],
    ]);
  });

  it('keeps reconnecting a linked session however often the network fails, and reconnects to CONNECTED', async () => {
    const botId = await newBot();
    await seedLinked(botId);
    const h = await startEngine({ botId, engine: { maxUnlinkedFailures: 2 } });
    for (let n = 1; n <= 5; n++) (await h.socket(n)).end(new Boom(OFFLINE, { statusCode: 408 }));
    const sixth = await h.socket(6);
    expect(h.rec.statuses()).not.toContain('ERROR');
    expect(h.rec.statuses().filter((s) => s === 'RECONNECTING')).toHaveLength(5);
    expect(isLinkedCreds(sixth.creds)).toBe(true);
    sixth.open(ME);
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    expect(h.rec.lastStatus()?.info).toEqual({ phoneNumber: PHONE, displayName: 'Ada' });
  });

  it('pairing-code method: requests a code for the phone after the first QR and never reports QR codes', async () => {
    const h = await startEngine({ method: 'pairing_code', phoneNumber: PHONE, engine: { qrFirstMs: 60_000, qrNextMs: 20_000 } });
    const s = await h.socket(1);
    const request = vi.spyOn(s, 'requestPairingCode');
    const before = Date.now();
    s.emitQr('2@ref-one');
    await until(() => expect(h.rec.of('pairingCode')).toHaveLength(1));
    s.emitQr('2@ref-two');
    s.emitQr('2@ref-three');
    await settle(20);
    expect(request).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith(PHONE);
    const [pc] = h.rec.of('pairingCode');
    expect(pc!.code).toMatch(/^[1-9A-HJKMNP-TV-Z]{8}$/);
    // Valid while the socket waits for the phone: by default the first ref plus five more.
    expect(pc!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 160_000);
    expect(pc!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 160_000);
    expect(h.rec.of('qr')).toEqual([]);
    expect(h.rec.of('pairingCode')).toHaveLength(1);
  });

  it('after a reconnect the new socket starts its own QR sequence (attempt 1, first-ref lifetime) and asks for a fresh pairing code', async () => {
    const qr = await startEngine({ engine: { qrFirstMs: 60_000, qrNextMs: 20_000 } });
    const first = await qr.socket(1);
    first.emitQr('2@a');
    first.emitQr('2@b');
    first.end(new Boom(OFFLINE, { statusCode: 408 }));
    const second = await qr.socket(2);
    const before = Date.now();
    second.emitQr('2@c');
    await until(() => expect(qr.rec.of('qr')).toHaveLength(3));
    const third = qr.rec.of('qr')[2]!;
    expect(third.attempt).toBe(1);
    expect(third.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);

    const pc = await startEngine({ method: 'pairing_code', phoneNumber: PHONE });
    const p1 = await pc.socket(1);
    p1.emitQr('2@x');
    await until(() => expect(pc.rec.of('pairingCode')).toHaveLength(1));
    p1.end(new Boom(OFFLINE, { statusCode: 408 }));
    const p2 = await pc.socket(2);
    const request = vi.spyOn(p2, 'requestPairingCode');
    p2.emitQr('2@y');
    await until(() => expect(pc.rec.of('pairingCode')).toHaveLength(2));
    expect(request).toHaveBeenCalledWith(PHONE);
  });

  it('pairing-code method: a refused request is reported as pairing_code_failed', async () => {
    const h = await startEngine({ method: 'pairing_code', phoneNumber: '0' });
    const s = await h.socket(1);
    s.requestPairingCode = async () => {
      throw new Boom('bad-request', { statusCode: 400 });
    };
    s.emitQr('2@ref-one');
    await until(() => expect(h.rec.of('error')).toHaveLength(1));
    expect(h.rec.of('error')[0]?.code).toBe('pairing_code_failed');
    expect(h.rec.of('pairingCode')).toEqual([]);
  });

  it('pairing-code method: when the code is never entered and the refs run out, DISCONNECTED qr_timeout', async () => {
    const h = await startEngine({ method: 'pairing_code', phoneNumber: PHONE });
    const s = await h.socket(1);
    s.emitQr('2@ref-one');
    await until(() => expect(h.rec.of('pairingCode')).toHaveLength(1));
    s.close(408, 'QR refs attempts ended');
    await until(() => expect(h.rec.of('status')).toHaveLength(2));
    expect(h.rec.lastStatus()).toEqual({ type: 'status', status: 'DISCONNECTED', info: { reason: 'qr_timeout' } });
    expect(h.rec.of('error')).toEqual([]);
    await settle();
    expect(h.sockets).toHaveLength(1);
  });

  it('reports CONNECTED again when the display name arrives later through creds.update', async () => {
    const h = await startLinked();
    const botId = h.botId;
    const s = await h.socket(1);
    s.open({ id: ME.id });
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    expect(h.rec.lastStatus()?.info).toEqual({ phoneNumber: PHONE, displayName: undefined });

    // '~' is WhatsApp's placeholder for "no name yet".
    s.emit('creds.update', { me: { id: ME.id, name: '~' } });
    s.emit('creds.update', { me: { id: ME.id, name: 'Ada Lovelace' } });
    await until(() => expect(h.rec.of('status')).toHaveLength(3));
    expect(h.rec.lastStatus()).toEqual({ type: 'status', status: 'CONNECTED', info: { phoneNumber: PHONE, displayName: 'Ada Lovelace' } });
    // The same name again is no news.
    s.emit('creds.update', { me: { id: ME.id, name: 'Ada Lovelace' } });
    await settle(20);
    expect(h.rec.of('status')).toHaveLength(3);
    // And it is saved.
    await until(async () => expect((await readCreds(botId))?.me?.name).toBe('Ada Lovelace'));
  });

  it('turns direct messages into events.message (text, media captions), ignoring own, group, non-notify and protocol messages', async () => {
    const h = await startLinked();
    const s = await h.socket(1);
    s.open(ME);
    const sent = s.inbound({ from: '15557654321', pushName: 'Grace', text: 'hello there' });
    const upsert = (messages: WAMessage[], type = 'notify') => s.emit('messages.upsert', { messages, type });
    const base = (key: WAMessage['key'], message: WAMessage['message'] = { conversation: 'x' }): WAMessage => ({
      key: { id: randomBytes(6).toString('hex'), fromMe: false, ...key },
      message,
      messageTimestamp: 1_700_000_000,
    });
    upsert([base({ remoteJid: '15557654321@s.whatsapp.net', fromMe: true }, { conversation: 'from me' })]);
    upsert([base({ remoteJid: '120363000000000000@g.us', participant: '15557654321@s.whatsapp.net' }, { conversation: 'group' })]);
    upsert([base({ remoteJid: 'status@broadcast' }, { conversation: 'status' })]);
    upsert([base({ remoteJid: '15557654321@s.whatsapp.net' }, { conversation: 'history' })], 'append');
    upsert([base({ remoteJid: '15557654321@s.whatsapp.net' }, { protocolMessage: {} })]);
    upsert([base({ remoteJid: '15557654321@s.whatsapp.net', id: 'IMG1' }, { imageMessage: { caption: 'my receipt' } })]);
    upsert([base({ remoteJid: '15557654321@s.whatsapp.net', id: 'AUD1' }, { audioMessage: {} })]);
    // LID-addressed chats carry the phone number in remoteJidAlt; extended text counts as text.
    upsert([base({ remoteJid: '987654321@lid', remoteJidAlt: '15550001111@s.whatsapp.net', id: 'LID1' }, { extendedTextMessage: { text: 'via lid' } })]);

    await until(() => expect(h.rec.of('message')).toHaveLength(4));
    await settle(20);
    const messages = h.rec.of('message').map((c) => c.message);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatchObject({ externalId: sent.key.id, from: '15557654321', pushName: 'Grace', type: 'text', text: 'hello there' });
    expect(messages[0]!.sentAt).toBeInstanceOf(Date);
    expect(Math.abs(messages[0]!.sentAt.getTime() - Date.now())).toBeLessThan(5_000);
    expect(messages[1]).toMatchObject({ externalId: 'IMG1', type: 'image', text: 'my receipt' });
    expect(messages[2]).toMatchObject({ externalId: 'AUD1', type: 'audio', text: '' });
    expect(messages[3]).toEqual({ externalId: 'LID1', from: '15550001111', pushName: undefined, type: 'text', text: 'via lid', sentAt: new Date(1_700_000_000_000) });
  });

  it("reports receipts for the bot's own messages as sent / delivered / read / failed", async () => {
    const h = await startLinked();
    const s = await h.socket(1);
    s.open(ME);
    const key = (id: string, fromMe = true) => ({ remoteJid: '15557654321@s.whatsapp.net', fromMe, id });
    s.emit('messages.update', [
      { key: key('A'), update: { status: 2 } },
      { key: key('A'), update: { status: 3 } },
      { key: key('B'), update: { status: 4 } },
      { key: key('C'), update: { status: 5 } },
      { key: key('D'), update: { status: 0 } },
      { key: key('E'), update: { status: 1 } }, // PENDING: nothing new
      { key: key('F', false), update: { status: 4 } }, // the contact's message: not ours
      { key: key('G'), update: { starred: true } },
    ]);
    await until(() => expect(h.rec.of('messageStatus')).toHaveLength(5));
    await settle(20);
    expect(h.rec.of('messageStatus').map((c) => [c.externalId, c.status])).toEqual([
      ['A', 'sent'],
      ['A', 'delivered'],
      ['B', 'read'],
      ['C', 'read'],
      ['D', 'failed'],
    ]);
  });

  it('sends text to <digits>@s.whatsapp.net when connected, and refuses when not', async () => {
    const h = await startLinked();
    const s = await h.socket(1);
    await expect(h.session.sendText('15557654321', 'too early')).rejects.toThrow(/not connected/);
    s.open(ME);
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    const { externalId } = await h.session.sendText('15557654321', 'hi Grace');
    expect(s.sent).toEqual([{ jid: '15557654321@s.whatsapp.net', text: 'hi Grace', id: externalId }]);
    expect(externalId).toMatch(/^3EB0/);
  });

  it('stop() closes the socket, keeps the creds and ignores anything the old socket reports afterwards', async () => {
    const h = await startLinked();
    const botId = h.botId;
    const s = await h.socket(1);
    s.open(ME);
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    const seen = h.rec.calls.length;
    await h.session.stop();
    expect(s.ended).toBe(true);

    s.ended = false; // let the fake report more, as a late network callback would
    s.emitQr('2@late');
    s.inbound({ from: '15557654321', text: 'late' });
    s.emit('creds.update', { me: { id: ME.id, name: 'Late Name' } });
    s.close(401, 'Connection Failure');
    await settle(60);
    expect(h.rec.calls.length).toBe(seen);
    expect(h.sockets).toHaveLength(1);
    expect(isLinkedCreds(await readCreds(botId))).toBe(true);
    await expect(h.session.sendText('15557654321', 'after stop')).rejects.toThrow(/not connected/);
  });

  it('stop() during a backoff wait cancels the reconnect', async () => {
    const h = await startEngine({ engine: { backoff: { baseMs: 40, maxMs: 40 }, maxUnlinkedFailures: 5 } });
    (await h.socket(1)).end(new Boom(OFFLINE, { statusCode: 408 }));
    await until(() => expect(h.rec.lastStatus()?.status).toBe('RECONNECTING'));
    await h.session.stop();
    await settle(120);
    expect(h.sockets).toHaveLength(1);
  });

  it('logout() when connected unlinks the device through the socket and wipes the creds', async () => {
    const h = await startLinked();
    const botId = h.botId;
    const s = await h.socket(1);
    const logout = vi.spyOn(s, 'logout');
    s.open(ME);
    await until(() => expect(h.rec.lastStatus()?.status).toBe('CONNECTED'));
    const engine = createBaileysEngine({ makeSocket: () => asSocket(new FakeWASocket({} as never)) });
    expect(await engine.isLinked(botId)).toBe(true);

    await h.session.logout();
    expect(logout).toHaveBeenCalledTimes(1);
    expect(s.ended).toBe(true);
    expect(await authRows(botId)).toEqual([]);
    expect(await engine.isLinked(botId)).toBe(false);
    await settle(20);
    // The close that the logout itself causes is not reported as a second LOGGED_OUT or an error.
    expect(h.rec.statuses()).toEqual(['STARTING', 'CONNECTED']);
    expect(h.rec.of('error')).toEqual([]);
    expect(h.sockets).toHaveLength(1);
  });

  it('logout() before connecting just closes the socket and wipes the creds', async () => {
    const h = await startLinked();
    const botId = h.botId;
    const s = await h.socket(1);
    const logout = vi.spyOn(s, 'logout');
    await h.session.logout();
    expect(logout).not.toHaveBeenCalled();
    expect(s.ended).toBe(true);
    expect(await authRows(botId)).toEqual([]);
  });

  it('wipe() forgets a bot’s creds', async () => {
    const botId = await newBot();
    await seedLinked(botId);
    const engine = createBaileysEngine({ makeSocket: () => asSocket(new FakeWASocket({} as never)) });
    expect(await engine.isLinked(botId)).toBe(true);
    await engine.wipe(botId);
    expect(await engine.isLinked(botId)).toBe(false);
    expect(await authRows(botId)).toEqual([]);
  });

  it('with the real Baileys socket and no internet, fails fast and clearly: whatsapp_unreachable, then ERROR', async () => {
    const botId = await newBot();
    const engine = createBaileysEngine({ maxUnlinkedFailures: 1, connectTimeoutMs: 5_000 });
    const rec = recorder();
    const session = engine.start({ botId, sessionId: 's', method: 'qr', events: rec.events, log });
    sessions.push(session);
    await until(() => expect(rec.lastStatus()?.status).toBe('ERROR'), 10_000);
    expect(rec.of('error').map((e) => e.code)).toEqual(['whatsapp_unreachable']);
    expect(rec.lastStatus()?.info).toEqual({ reason: 'whatsapp_unreachable' });
    expect(rec.of('qr')).toEqual([]);
  }, 15_000);
});
