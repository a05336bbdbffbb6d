import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { whatsappAuth } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { SessionStatus } from '@/lib/realtime/events';
import { setupTestEnv } from '@/test/setup-env';
import { setupBotsDb } from '@/test/bots-db';
import type { EngineEvents, EngineSession, InboundMessage, StatusInfo } from '../engine';
import { createSimulator, type SimulatorTiming } from './simulator';

setupTestEnv();

const log = pino({ level: 'silent' });
const timing: SimulatorTiming = { qrFirstMs: 40, qrNextMs: 25, qrRefs: 3, restartMs: 2 };

const botsDb = setupBotsDb('Simulator tests');
const running: EngineSession[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

const newBot = () => botsDb.newBot();

function recorder() {
  const qrs: { qr: string; attempt: number; expiresAt: Date }[] = [];
  const statuses: { status: SessionStatus; info?: StatusInfo }[] = [];
  const errors: { code: string; message: string }[] = [];
  const messages: InboundMessage[] = [];
  const receipts: { externalId: string; status: string }[] = [];
  const events: EngineEvents = {
    qr: (qr, attempt, expiresAt) => void qrs.push({ qr, attempt, expiresAt }),
    pairingCode: () => {},
    status: (status, info) => void statuses.push({ status, info }),
    error: (code, message) => void errors.push({ code, message }),
    message: (m) => void messages.push(m),
    messageStatus: (externalId, status) => void receipts.push({ externalId, status }),
  };
  return { qrs, statuses, errors, messages, receipts, events, last: () => statuses.at(-1) };
}

const until = (check: () => void, timeout = 5_000) => vi.waitFor(check, { timeout, interval: 2 });

async function startSim(t: SimulatorTiming = timing) {
  const sim = createSimulator(t);
  const botId = await newBot();
  const rec = recorder();
  const start = () => {
    const session = sim.engine.start({ botId, sessionId: `s-${botId}`, method: 'qr', events: rec.events, log });
    running.push(session);
    return session;
  };
  return { ...sim, botId, rec, start };
}

const conflictOf = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected an AppError');
};

describe('WhatsApp simulator', () => {
  it('is the Baileys engine under the name "simulator", showing rotating QR codes with WhatsApp’s shape', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    expect(sim.engine.name).toBe('simulator');
    sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    expect(sim.rec.statuses[0]?.status).toBe('STARTING');
    // Baileys' pairing QR: the linked-devices link with ref,noiseKey,identityKey,advSecret,platform.
    const [prefix, data] = sim.rec.qrs[0]!.qr.split('#');
    expect(prefix).toBe('https://wa.me/settings/linked_devices');
    expect(data?.split(',')).toHaveLength(5);
    expect(data).toMatch(/^2@/);
    expect(sim.rec.qrs[0]!.attempt).toBe(1);
    expect(sim.rec.qrs[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('scan pairs the phone: restart after pairing, then CONNECTED with the given phone and name', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    expect(sim.control.scan(sim.botId, { phoneNumber: '15550102000', displayName: 'Ada' })).toEqual({
      phoneNumber: '15550102000',
      displayName: 'Ada',
    });
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    expect(sim.rec.statuses.map((s) => [s.status, s.info?.reason])).toEqual([
      ['STARTING', undefined],
      ['STARTING', 'paired'],
      ['STARTING', 'restart_required'],
      ['CONNECTED', undefined],
    ]);
    expect(sim.rec.last()?.info).toEqual({ phoneNumber: '15550102000', displayName: 'Ada' });
    expect(sim.rec.errors).toEqual([]);
    expect(await sim.engine.isLinked(sim.botId)).toBe(true);
  });

  it('scan with no QR showing is a conflict: before the session runs, and once connected', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    const notRunning = conflictOf(() => sim.control.scan(sim.botId));
    expect(notRunning).toBeInstanceOf(AppError);
    expect(notRunning.code).toBe('conflict');

    sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    const { phoneNumber, displayName } = sim.control.scan(sim.botId);
    expect(phoneNumber).toMatch(/^1555\d{7}$/);
    expect(displayName).toBe('Simulated Phone');
    // Between the scan and the restart no QR is showing.
    const midway = conflictOf(() => sim.control.scan(sim.botId));
    expect(midway.code).toBe('conflict');
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    const connected = conflictOf(() => sim.control.scan(sim.botId));
    expect(connected).toBeInstanceOf(AppError);
    expect(connected.code).toBe('conflict');
    expect(connected.message).toMatch(/no QR code/);
  });

  it('delivers a message from a contact as events.message, and records what the bot sends', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    const session = sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    expect(conflictOf(() => sim.control.message(sim.botId, { from: '15557654321', text: 'too early' })).code).toBe('conflict');
    sim.control.scan(sim.botId, { phoneNumber: '15550102000', displayName: 'Ada' });
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));

    const { externalId } = sim.control.message(sim.botId, { from: '15557654321', name: 'Grace', text: 'hello bot' });
    await until(() => expect(sim.rec.messages).toHaveLength(1));
    expect(sim.rec.messages[0]).toMatchObject({ externalId, from: '15557654321', pushName: 'Grace', text: 'hello bot' });

    const sent = await session.sendText('15557654321', 'hello Grace');
    expect(sim.control.outbox(sim.botId)).toEqual([{ to: '15557654321', text: 'hello Grace', id: sent.externalId }]);
    // The contact's phone acknowledges it: a delivery receipt for that id.
    await until(() => expect(sim.rec.receipts).toEqual([{ externalId: sent.externalId, status: 'delivered' }]));
  });

  it('disconnect("logged_out") → LOGGED_OUT and the creds are gone', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    sim.control.scan(sim.botId);
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    sim.control.disconnect(sim.botId, 'logged_out');
    await until(() => expect(sim.rec.last()).toEqual({ status: 'LOGGED_OUT', info: { reason: 'logged_out' } }));
    expect(await botsDb.handle.db.select().from(whatsappAuth).where(eq(whatsappAuth.botId, sim.botId))).toEqual([]);
    expect(await sim.engine.isLinked(sim.botId)).toBe(false);
    // The phone is gone: nothing more to control.
    expect(conflictOf(() => sim.control.disconnect(sim.botId, 'logged_out')).code).toBe('conflict');
  });

  it('disconnect("connection_lost") reconnects with the stored creds, without a new scan', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    sim.control.scan(sim.botId, { phoneNumber: '15550102000', displayName: 'Ada' });
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    const before = sim.rec.statuses.length;
    sim.control.disconnect(sim.botId, 'connection_lost');
    await until(() => expect(sim.rec.statuses.length).toBeGreaterThan(before + 1));
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    expect(sim.rec.statuses.slice(before).map((s) => s.status)).toEqual(['RECONNECTING', 'CONNECTED']);
    expect(sim.rec.last()?.info).toEqual({ phoneNumber: '15550102000', displayName: 'Ada' });
    expect(sim.rec.qrs).toHaveLength(1);
  });

  it('disconnect("connection_replaced") → ERROR connection_replaced', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    sim.control.scan(sim.botId);
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    sim.control.disconnect(sim.botId, 'connection_replaced');
    await until(() => expect(sim.rec.last()?.status).toBe('ERROR'));
    expect(sim.rec.last()?.info?.reason).toMatch(/^connection_replaced/);
  });

  it('when nobody scans and the QR refs run out → DISCONNECTED qr_timeout after exactly qrRefs codes', async () => {
    const sim = await startSim(timing);
    sim.start();
    await until(() => expect(sim.rec.last()?.status).toBe('DISCONNECTED'));
    expect(sim.rec.last()).toEqual({ status: 'DISCONNECTED', info: { reason: 'qr_timeout' } });
    expect(sim.rec.qrs.map((q) => q.attempt)).toEqual([1, 2, 3]);
    expect(new Set(sim.rec.qrs.map((q) => q.qr)).size).toBe(3);
    expect(sim.rec.errors).toEqual([]);
    expect(conflictOf(() => sim.control.scan(sim.botId)).code).toBe('conflict');
  });

  it('a later start with stored creds connects straight away (restore at boot)', async () => {
    const sim = await startSim({ ...timing, qrFirstMs: 60_000 });
    const first = sim.start();
    await until(() => expect(sim.rec.qrs).toHaveLength(1));
    sim.control.scan(sim.botId, { phoneNumber: '15550102000', displayName: 'Ada' });
    await until(() => expect(sim.rec.last()?.status).toBe('CONNECTED'));
    await first.stop();

    const rec = recorder();
    const session = sim.engine.start({ botId: sim.botId, sessionId: 'again', method: 'qr', events: rec.events, log });
    running.push(session);
    await until(() => expect(rec.last()?.status).toBe('CONNECTED'));
    expect(rec.last()?.info).toEqual({ phoneNumber: '15550102000', displayName: 'Ada' });
    expect(rec.qrs).toEqual([]);
  });
});
