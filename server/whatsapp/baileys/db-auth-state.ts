import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { and, eq, inArray } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db';
import { whatsappAuth } from '@/lib/db/schema';
import { createKeyedQueue } from '@/lib/keyed-queue';
import { decrypt, encrypt } from '@/lib/secrets/encryption';
import type { StateWriter } from '../engine';

// Baileys auth state in the database, encrypted at rest — never useMultiFileAuthState.
// Every creds.update and keys.set is written before it resolves; writes per bot are serialized
// so a later write can never be overtaken by an earlier one.

const PURPOSE = 'whatsapp-auth';
const CREDS = 'creds';

export interface DbAuthState {
  creds: AuthenticationCreds;
  keys: SignalKeyStore;
  saveCreds(): Promise<void>;
}

const aad = (botId: string, kind: string, keyId: string) => `${botId}/${kind}/${keyId}`;
const seal = (botId: string, kind: string, keyId: string, value: unknown) =>
  encrypt(PURPOSE, JSON.stringify(value, BufferJSON.replacer), aad(botId, kind, keyId));
const open = (botId: string, kind: string, keyId: string, data: string): unknown =>
  JSON.parse(decrypt(PURPOSE, data, aad(botId, kind, keyId)), BufferJSON.reviver);

const serialized = createKeyedQueue();

/**
 * Runs one write of a session's auth state in a transaction. The session manager passes one that
 * first checks the session's lease (fencing: a node that lost the bot writes nothing more).
 */
export type AuthWriter = StateWriter;

const unfenced: AuthWriter = async (write) => (await getDb()).transaction((tx) => write(tx as unknown as Db));

export async function readCreds(botId: string): Promise<AuthenticationCreds | null> {
  const db = await getDb();
  const [row] = await db
    .select({ data: whatsappAuth.data })
    .from(whatsappAuth)
    .where(and(eq(whatsappAuth.botId, botId), eq(whatsappAuth.kind, CREDS), eq(whatsappAuth.keyId, '')));
  return row ? (open(botId, CREDS, '', row.data) as AuthenticationCreds) : null;
}

/** Linked = the phone approved this device (pairing succeeded), so a restart needs no new scan. */
export function isLinkedCreds(creds: AuthenticationCreds | null): boolean {
  return Boolean(creds?.me?.id && creds.account);
}

export async function loadAuthState(botId: string, writer: AuthWriter = unfenced): Promise<DbAuthState> {
  // Read through the bot's write queue: a creds save still in flight (e.g. the pairing's
  // creds.update right before WhatsApp's 515 restart) must land before the new socket loads.
  const creds = (await serialized(botId, () => readCreds(botId))) ?? initAuthCreds();

  const writeCreds = () =>
    serialized(botId, async () => {
      const data = seal(botId, CREDS, '', creds);
      await writer((db) =>
        db
          .insert(whatsappAuth)
          .values({ botId, kind: CREDS, keyId: '', data })
          .onConflictDoUpdate({ target: [whatsappAuth.botId, whatsappAuth.kind, whatsappAuth.keyId], set: { data, updatedAt: new Date() } }),
      );
    });

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return out;
      const db = await getDb();
      const rows = await db
        .select({ keyId: whatsappAuth.keyId, data: whatsappAuth.data })
        .from(whatsappAuth)
        .where(and(eq(whatsappAuth.botId, botId), eq(whatsappAuth.kind, type), inArray(whatsappAuth.keyId, ids)));
      for (const row of rows) {
        let value = open(botId, type, row.keyId, row.data);
        if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
        out[row.keyId] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set: (data: SignalDataSet) =>
      serialized(botId, async () => {
        await writer(async (tx) => {
          for (const [type, entries] of Object.entries(data)) {
            for (const [keyId, value] of Object.entries(entries ?? {})) {
              if (value == null) {
                await tx
                  .delete(whatsappAuth)
                  .where(and(eq(whatsappAuth.botId, botId), eq(whatsappAuth.kind, type), eq(whatsappAuth.keyId, keyId)));
              } else {
                const sealed = seal(botId, type, keyId, value);
                await tx
                  .insert(whatsappAuth)
                  .values({ botId, kind: type, keyId, data: sealed })
                  .onConflictDoUpdate({
                    target: [whatsappAuth.botId, whatsappAuth.kind, whatsappAuth.keyId],
                    set: { data: sealed, updatedAt: new Date() },
                  });
              }
            }
          }
        });
      }),
  };

  return { creds, keys, saveCreds: writeCreds };
}

export function wipeAuthState(botId: string, writer: AuthWriter = unfenced): Promise<void> {
  return serialized(botId, async () => {
    await writer((db) => db.delete(whatsappAuth).where(eq(whatsappAuth.botId, botId)));
  });
}
