import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { bots, cloudApiAccounts, type Bot } from '@/lib/db/schema';
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
 * The Cloud API bots that own these phone number ids (the webhook routes by them). Throws if a
 * stored secret cannot be decrypted (APP_SECRET changed): the webhook then answers 503 and Meta
 * keeps the messages for a later retry instead of Parley dropping them.
 */
export async function findCloudAccounts(phoneNumberIds: string[]): Promise<Map<string, CloudAccount>> {
  const out = new Map<string, CloudAccount>();
  const ids = [...new Set(phoneNumberIds)];
  if (ids.length === 0) return out;
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
    .where(and(inArray(cloudApiAccounts.phoneNumberId, ids), eq(bots.channel, 'cloud_api')));
  for (const row of rows) {
    out.set(row.phoneNumberId, { ...row, appSecret: decrypt('cloud-api', row.appSecret, `${row.botId}:app-secret`) });
  }
  return out;
}
