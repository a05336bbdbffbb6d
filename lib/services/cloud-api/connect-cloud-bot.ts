import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb, isUniqueViolation } from '@/lib/db';
import { bots, cloudApiAccounts, sessionEvents } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { encrypt } from '@/lib/secrets/encryption';
import { findBot } from '@/lib/services/bots/find-bot';
import { toBotView, type BotView } from '@/lib/services/bots/to-bot-view';
import type { CloudCredentialsInput } from '@/lib/validation/cloud-api';
import { getCloudPhoneNumber, GraphError } from '@/lib/whatsapp/cloud-api/graph-client';
import { hashVerifyToken } from '@/lib/whatsapp/cloud-api/verify-token';
import { forgetCloudAccounts } from './find-cloud-accounts';
import { publishCloudStatus } from './publish-cloud-status';

const PHONE_IN_USE = 'This phone number ID is already connected to another bot.';

/**
 * Links a Cloud API bot: the credentials are checked against Meta (the phone number's details
 * come back with them), stored encrypted, and the bot is CONNECTED — there is no QR step.
 * Saving again replaces the credentials (token rotation).
 */
export async function connectCloudBot(opts: { principal: Principal; botId: string; input: CloudCredentialsInput }): Promise<BotView> {
  const { input } = opts;
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  if (bot.channel !== 'cloud_api') {
    throw new AppError('conflict', 'This bot uses WhatsApp Web: link it by scanning a QR code instead.');
  }

  const number = await verifyWithMeta(input);

  const db = await getDb();
  const [taken] = await db
    .select({ botId: cloudApiAccounts.botId })
    .from(cloudApiAccounts)
    .where(and(eq(cloudApiAccounts.phoneNumberId, input.phoneNumberId), ne(cloudApiAccounts.botId, bot.id)));
  if (taken) throw new AppError('conflict', PHONE_IN_USE);

  const sealed = {
    phoneNumberId: input.phoneNumberId,
    // The associated data binds each ciphertext to this bot and field, so rows cannot be swapped.
    accessToken: encrypt('cloud-api', input.accessToken, `${bot.id}:access`),
    appSecret: encrypt('cloud-api', input.appSecret, `${bot.id}:app-secret`),
    verifyTokenHash: hashVerifyToken(input.verifyToken),
  };
  const sessionId = bot.sessionId ?? randomUUID();
  const now = new Date();
  let updated;
  try {
    updated = await db.transaction(async (tx) => {
      await tx
        .insert(cloudApiAccounts)
        .values({ botId: bot.id, ...sealed })
        .onConflictDoUpdate({ target: cloudApiAccounts.botId, set: { ...sealed, updatedAt: now } });
      const [row] = await tx
        .update(bots)
        .set({
          status: 'CONNECTED',
          statusReason: null,
          sessionId,
          phoneNumber: number.phoneNumber,
          displayName: number.displayName || null,
          lastConnectedAt: now,
          updatedAt: now,
        })
        .where(eq(bots.id, bot.id))
        .returning();
      if (!row) throw new AppError('not_found', 'Bot not found.');
      await tx.insert(sessionEvents).values({ botId: bot.id, sessionId, status: 'CONNECTED', reason: 'credentials_saved', phoneNumber: number.phoneNumber });
      return row;
    });
  } catch (err) {
    // Another bot claimed the same number between the check and the insert.
    if (isUniqueViolation(err, 'cloud_api_accounts_phone_number_id_key')) throw new AppError('conflict', PHONE_IN_USE);
    throw err;
  }
  // The webhook routes by phone number id from a cache: a new number or app secret applies now.
  forgetCloudAccounts();

  publishCloudStatus(updated);
  return toBotView(updated);
}

async function verifyWithMeta(input: CloudCredentialsInput): Promise<{ phoneNumber: string; displayName: string }> {
  try {
    return await getCloudPhoneNumber({ baseUrl: env().WHATSAPP_GRAPH_URL, phoneNumberId: input.phoneNumberId, accessToken: input.accessToken });
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    if (err.transient) {
      throw new AppError('service_unavailable', 'Could not reach Meta to check these credentials. Try again in a moment.', { retryAfter: 5, cause: err });
    }
    const message = `Meta rejected these credentials: ${err.message}`;
    const field = rejectedField(err);
    throw new AppError('validation_failed', message, { details: field ? [{ path: field, message }] : undefined, cause: err });
  }
}

/** Which field the form should mark: an OAuth failure is the token, an unknown object the ID. */
function rejectedField(err: GraphError): keyof CloudCredentialsInput | undefined {
  if (err.code === 190 || err.status === 401) return 'accessToken';
  if (err.code === 100 || err.code === 803 || err.status === 404) return 'phoneNumberId';
  return undefined;
}
