import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { cloudApiAccounts } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { decrypt, DecryptionError } from '@/lib/secrets/encryption';
import { sendCloudText as sendThroughGraph, GraphError } from '@/lib/whatsapp/cloud-api/graph-client';

/**
 * Sends a text from a Cloud API bot. Throws GraphError: `transient` ones (network, 5xx, 429,
 * rate limits) are worth retrying, the rest fail the message with a reason fit for the agent.
 */
export async function sendCloudText(opts: { botId: string; to: string; text: string }): Promise<{ externalId: string }> {
  const db = await getDb();
  const [account] = await db
    .select({ phoneNumberId: cloudApiAccounts.phoneNumberId, accessToken: cloudApiAccounts.accessToken })
    .from(cloudApiAccounts)
    .where(eq(cloudApiAccounts.botId, opts.botId));
  if (!account) throw new GraphError('This bot has no Cloud API credentials.', { transient: false });
  let accessToken: string;
  try {
    accessToken = decrypt('cloud-api', account.accessToken, `${opts.botId}:access`);
  } catch (err) {
    if (err instanceof DecryptionError) {
      throw new GraphError('The stored Cloud API credentials cannot be read; enter them again.', { transient: false, cause: err });
    }
    throw err;
  }
  return sendThroughGraph({
    baseUrl: env().WHATSAPP_GRAPH_URL,
    phoneNumberId: account.phoneNumberId,
    accessToken,
    to: opts.to,
    text: opts.text,
  });
}
