import { randomBytes } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, whatsappAuth, workspaces } from '@/lib/db/schema';
import { DecryptionError, resetEncryptionKeys } from '@/lib/secrets/encryption';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { isLinkedCreds, loadAuthState, readCreds, wipeAuthState } from './db-auth-state';

setupTestEnv();
const drivers = await testDrivers();

describe.each(drivers)('database auth state on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  let workspaceId: string;

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    const [ws] = await handle.db.insert(workspaces).values({ name: 'Auth state' }).returning();
    workspaceId = ws!.id;
  });
  afterAll(async () => {
    await cleanup();
  });
  beforeEach(() => resetEncryptionKeys());

  const newBot = async () => {
    const [bot] = await handle.db.insert(bots).values({ workspaceId, name: 'Bot' }).returning();
    return bot!.id;
  };
  const rowsOf = (botId: string) => handle.db.select().from(whatsappAuth).where(eq(whatsappAuth.botId, botId));

  it('starts a bot with fresh, unlinked creds and stores nothing until saved', async () => {
    const botId = await newBot();
    const state = await loadAuthState(botId);
    expect(state.creds.noiseKey.private).toBeInstanceOf(Uint8Array);
    expect(state.creds.registrationId).toBeGreaterThan(0);
    expect(isLinkedCreds(state.creds)).toBe(false);
    expect(await readCreds(botId)).toBeNull();
    expect(await rowsOf(botId)).toEqual([]);
  });

  it('round-trips creds: binary keys come back as bytes, and a second load sees the saved version', async () => {
    const botId = await newBot();
    const state = await loadAuthState(botId);
    const account = {
      details: randomBytes(32),
      accountSignatureKey: randomBytes(32),
      accountSignature: randomBytes(64),
      deviceSignature: randomBytes(64),
    };
    Object.assign(state.creds, { me: { id: '15550102000:7@s.whatsapp.net', name: 'Ada' }, account, platform: 'android' });
    await state.saveCreds();

    const stored = await readCreds(botId);
    expect(stored).not.toBeNull();
    expect(Buffer.from(stored!.noiseKey.private).equals(Buffer.from(state.creds.noiseKey.private))).toBe(true);
    expect(Buffer.from(stored!.signedIdentityKey.public).equals(Buffer.from(state.creds.signedIdentityKey.public))).toBe(true);
    expect(Buffer.isBuffer(stored!.noiseKey.private) || stored!.noiseKey.private instanceof Uint8Array).toBe(true);
    expect(Buffer.from(stored!.account!.details!).equals(account.details)).toBe(true);
    expect(stored!.advSecretKey).toBe(state.creds.advSecretKey);
    expect(stored!.registrationId).toBe(state.creds.registrationId);
    expect(stored!.me).toEqual({ id: '15550102000:7@s.whatsapp.net', name: 'Ada' });
    expect(isLinkedCreds(stored)).toBe(true);

    const again = await loadAuthState(botId);
    expect(Buffer.from(again.creds.noiseKey.private).equals(Buffer.from(state.creds.noiseKey.private))).toBe(true);
    // Saving again updates the one creds row rather than adding another.
    again.creds.me = { id: '15550102000:7@s.whatsapp.net', name: 'Ada L.' };
    await again.saveCreds();
    const rows = await rowsOf(botId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'creds', keyId: '' });
    expect((await readCreds(botId))?.me?.name).toBe('Ada L.');
  });

  it('stores keys with set/get, returns only the ids that exist, and deletes with null', async () => {
    const botId = await newBot();
    const { keys } = await loadAuthState(botId);
    const preKey = { public: randomBytes(32), private: randomBytes(32) };
    const session = new Uint8Array(randomBytes(48));
    await keys.set({
      'pre-key': { '1': preKey, '2': { public: randomBytes(32), private: randomBytes(32) } },
      session: { '15550102000.0': session },
      'lid-mapping': { '15550102000': '123456789@lid' },
    });

    const pre = await keys.get('pre-key', ['1', '3']);
    expect(Object.keys(pre)).toEqual(['1']);
    expect(Buffer.from(pre['1']!.private).equals(preKey.private)).toBe(true);
    expect(Buffer.from(pre['1']!.public).equals(preKey.public)).toBe(true);
    const sessions = await keys.get('session', ['15550102000.0']);
    expect(Buffer.from(sessions['15550102000.0']!).equals(Buffer.from(session))).toBe(true);
    expect(await keys.get('lid-mapping', ['15550102000'])).toEqual({ '15550102000': '123456789@lid' });
    expect(await keys.get('pre-key', [])).toEqual({});
    // The same key id under another type is another key.
    expect(await keys.get('sender-key', ['1'])).toEqual({});

    await keys.set({ 'pre-key': { '1': null }, session: { '15550102000.0': new Uint8Array([9, 9, 9]) } });
    expect(Object.keys(await keys.get('pre-key', ['1', '2']))).toEqual(['2']);
    expect(Array.from((await keys.get('session', ['15550102000.0']))['15550102000.0']!)).toEqual([9, 9, 9]);
    expect((await rowsOf(botId)).map((r) => `${r.kind}/${r.keyId}`).sort()).toEqual([
      'lid-mapping/15550102000',
      'pre-key/2',
      'session/15550102000.0',
    ]);
  });

  it('applies writes in call order even when they are not awaited one by one', async () => {
    const botId = await newBot();
    const { keys } = await loadAuthState(botId);
    const writes = [];
    for (let i = 0; i < 10; i++) writes.push(keys.set({ 'lid-mapping': { x: `v${i}` } }));
    writes.push(keys.set({ 'lid-mapping': { x: null } }));
    writes.push(keys.set({ 'lid-mapping': { x: 'last' } }));
    await Promise.all(writes);
    expect(await keys.get('lid-mapping', ['x'])).toEqual({ x: 'last' });
  });

  it('a load waits for a creds save still in flight (the pairing save right before the 515 restart)', async () => {
    const botId = await newBot();
    const state = await loadAuthState(botId);
    for (let i = 0; i < 5; i++) {
      state.creds.me = { id: `1555010200${i}:3@s.whatsapp.net`, name: `Name ${i}` };
      state.creds.account = { details: randomBytes(32), accountSignatureKey: randomBytes(32), accountSignature: randomBytes(64), deviceSignature: randomBytes(64) };
      const save = state.saveCreds(); // not awaited, as the engine's creds.update handler does
      const reloaded = await loadAuthState(botId);
      expect(reloaded.creds.me?.name).toBe(`Name ${i}`);
      expect(isLinkedCreds(reloaded.creds)).toBe(true);
      expect(Buffer.from(reloaded.creds.noiseKey.private).equals(Buffer.from(state.creds.noiseKey.private))).toBe(true);
      await save;
    }
  });

  it('revives app-state-sync-key values as protobuf AppStateSyncKeyData', async () => {
    const botId = await newBot();
    const { keys } = await loadAuthState(botId);
    const keyData = randomBytes(32);
    await keys.set({
      'app-state-sync-key': {
        AAAAAF6e: proto.Message.AppStateSyncKeyData.fromObject({ keyData, timestamp: 1_700_000_000 }),
      },
    });
    const got = (await keys.get('app-state-sync-key', ['AAAAAF6e']))['AAAAAF6e'];
    expect(got).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(got!.keyData!).equals(keyData)).toBe(true);
    expect(Number(got!.timestamp)).toBe(1_700_000_000);
  });

  it('stores only ciphertext: neither key material nor marker strings appear in the data column', async () => {
    const botId = await newBot();
    const state = await loadAuthState(botId);
    const marker = `MARKER-${randomBytes(8).toString('hex')}`;
    state.creds.me = { id: '15550102000@s.whatsapp.net', name: marker };
    await state.saveCreds();
    await state.keys.set({ 'lid-mapping': { '15550102000': `${marker}@lid` }, 'sender-key': { g: Buffer.from(marker) } });

    const rows = await rowsOf(botId);
    expect(rows).toHaveLength(3);
    const noisePriv = Buffer.from(state.creds.noiseKey.private);
    for (const row of rows) {
      expect(row.data).toMatch(/^v1\./);
      for (const needle of [marker, noisePriv.toString('base64'), noisePriv.toString('hex'), Buffer.from(marker).toString('base64'), '15550102000']) {
        expect(row.data).not.toContain(needle);
      }
    }
  });

  it('binds every row to its bot, kind and key id: a row copied elsewhere does not decrypt', async () => {
    const botA = await newBot();
    const botB = await newBot();
    const a = await loadAuthState(botA);
    await a.saveCreds();
    await a.keys.set({ 'lid-mapping': { one: 'secret-one' } });
    const [credsRow] = await handle.db
      .select()
      .from(whatsappAuth)
      .where(and(eq(whatsappAuth.botId, botA), eq(whatsappAuth.kind, 'creds')));
    const [keyRow] = await handle.db
      .select()
      .from(whatsappAuth)
      .where(and(eq(whatsappAuth.botId, botA), eq(whatsappAuth.kind, 'lid-mapping')));
    await handle.db.insert(whatsappAuth).values({ botId: botB, kind: 'creds', keyId: '', data: credsRow!.data });
    await handle.db.insert(whatsappAuth).values({ botId: botA, kind: 'lid-mapping', keyId: 'two', data: keyRow!.data });

    await expect(readCreds(botB)).rejects.toBeInstanceOf(DecryptionError);
    await expect(a.keys.get('lid-mapping', ['two'])).rejects.toBeInstanceOf(DecryptionError);
    expect(await a.keys.get('lid-mapping', ['one'])).toEqual({ one: 'secret-one' });
  });

  it('wipeAuthState removes every row of that bot and no other', async () => {
    const botA = await newBot();
    const botB = await newBot();
    for (const botId of [botA, botB]) {
      const s = await loadAuthState(botId);
      await s.saveCreds();
      await s.keys.set({ 'pre-key': { '1': { public: randomBytes(32), private: randomBytes(32) } }, 'lid-mapping': { a: 'b' } });
    }
    expect(await rowsOf(botA)).toHaveLength(3);
    await wipeAuthState(botA);
    expect(await rowsOf(botA)).toEqual([]);
    expect(await readCreds(botA)).toBeNull();
    expect(await rowsOf(botB)).toHaveLength(3);
    // A new start after the wipe gets new identity keys.
    const fresh = await loadAuthState(botA);
    expect(isLinkedCreds(fresh.creds)).toBe(false);
  });

  it('a wipe queued after a write wins over it', async () => {
    const botId = await newBot();
    const s = await loadAuthState(botId);
    const write = s.keys.set({ 'lid-mapping': { a: 'b' } });
    const save = s.saveCreds();
    const wipe = wipeAuthState(botId);
    await Promise.all([write, save, wipe]);
    expect(await rowsOf(botId)).toEqual([]);
  });

  it('cannot be read with a different APP_SECRET (DecryptionError), and reads again with the right one', async () => {
    const botId = await newBot();
    const s = await loadAuthState(botId);
    await s.saveCreds();
    await s.keys.set({ 'lid-mapping': { a: 'b' } });
    const original = process.env.APP_SECRET!;
    try {
      setupTestEnv(); // another random APP_SECRET
      resetEncryptionKeys();
      await expect(readCreds(botId)).rejects.toBeInstanceOf(DecryptionError);
      await expect(loadAuthState(botId)).rejects.toBeInstanceOf(DecryptionError);
      await expect((await loadAuthState(await newBot())).keys.get('lid-mapping', ['a'])).resolves.toEqual({});
    } finally {
      setupTestEnv({ APP_SECRET: original });
      resetEncryptionKeys();
    }
    expect((await readCreds(botId))?.registrationId).toBe(s.creds.registrationId);
    expect(await s.keys.get('lid-mapping', ['a'])).toEqual({ a: 'b' });
  });
});
