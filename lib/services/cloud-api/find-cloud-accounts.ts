import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { bots, cloudApiAccounts, type Bot } from '@/lib/db/schema';
import { processSlot } from '@/lib/process-slot';
import { decrypt } from '@/lib/secrets/encryption';

export interface CloudAccount {
  botId: string;
  workspaceId: string;
  phoneNumberId: string;
  /** Decrypted: for checking webhook signatures, never for logs or responses. */
  appSecret: string;
  status: Bot['status'];
}

/**
 * How long a node trusts an account it looked up. Changes made on this node clear the cache at
 * once (forgetCloudAccounts); this bounds how late another node's change (credentials rotated,
 * bot disconnected or deleted) is seen here. Until then a webhook is at worst refused (401/503,
 * so Meta delivers it again) or stored for the bot that had the number a moment ago.
 */
const CACHE_TTL_MS = 5_000;

interface Cached {
  account: CloudAccount;
  until: number;
}

interface Cache {
  entries: Map<string, Cached>;
  /** Bumped by every forget: a lookup that started before it must not store what it read. */
  generation: number;
}

// Shared by every route bundle and the custom server (each loads its own copy of this module).
const cacheSlot = processSlot<Cache>('cloud-accounts');

function cache(): Cache {
  let c = cacheSlot.get();
  if (!c) {
    c = { entries: new Map(), generation: 0 };
    cacheSlot.set(c);
  }
  return c;
}

/** Call after any change to a Cloud API account or its bot (connect, disconnect, delete). */
export function forgetCloudAccounts(): void {
  const c = cache();
  c.entries.clear();
  c.generation++;
}

/**
 * The Cloud API bots that own these phone number ids (the webhook routes by them), from a short
 * cache: every inbound message needs this, and accounts change rarely. Unknown ids are never
 * cached (a number linked a moment ago on another node must not be ignored). Throws if a stored
 * secret cannot be decrypted (APP_SECRET changed): the webhook then answers 503 and Meta keeps
 * the messages for a later retry instead of Parley dropping them.
 */
export async function findCloudAccounts(phoneNumberIds: string[]): Promise<Map<string, CloudAccount>> {
  const out = new Map<string, CloudAccount>();
  const now = Date.now();
  const cached = cache();
  const generation = cached.generation;
  const missing: string[] = [];
  for (const id of new Set(phoneNumberIds)) {
    const hit = cached.entries.get(id);
    if (hit && hit.until > now) out.set(id, hit.account);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const db = await getDb();
  const rows = await db
    .select({
      botId: cloudApiAccounts.botId,
      phoneNumberId: cloudApiAccounts.phoneNumberId,
      appSecret: cloudApiAccounts.appSecret,
      workspaceId: bots.workspaceId,
      status: bots.status,
    })
    .from(cloudApiAccounts)
    .innerJoin(bots, eq(bots.id, cloudApiAccounts.botId))
    .where(and(inArray(cloudApiAccounts.phoneNumberId, missing), eq(bots.channel, 'cloud_api')));
  for (const row of rows) {
    const account = { ...row, appSecret: decrypt('cloud-api', row.appSecret, `${row.botId}:app-secret`) };
    out.set(row.phoneNumberId, account);
    if (cached.generation === generation) cached.entries.set(row.phoneNumberId, { account, until: now + CACHE_TTL_MS });
  }
  return out;
}
