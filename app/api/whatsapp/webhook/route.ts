import { json, withPublic } from '@/lib/api/with-route';
import { AppError } from '@/lib/errors';
import { readBodyLimited } from '@/lib/http/read-body';
import { findMessagingControl } from '@/lib/messaging/messaging-control';
import type { RateLimitRule } from '@/lib/rate-limit/rate-limiter';
import { findCloudAccounts, type CloudAccount } from '@/lib/services/cloud-api/find-cloud-accounts';
import { matchVerifyToken } from '@/lib/services/cloud-api/match-verify-token';
import { applyMessageStatus } from '@/lib/services/conversations/apply-message-status';
import { ingestInbound } from '@/lib/services/conversations/ingest-inbound';
import { HUB_SIGNATURE_HEADER, verifyHubSignature } from '@/lib/whatsapp/cloud-api/signature';
import { cloudWebhookSchema, normalizeCloudWebhook, type CloudBatch } from '@/lib/whatsapp/cloud-api/webhook-payload';

// Meta's webhook for Cloud API bots (DESIGN section 4). One URL serves every bot: deliveries are
// routed by metadata.phone_number_id and checked with that bot's app secret.

/** Meta batches up to 1,000 updates per delivery; 3 MB leaves room without inviting abuse. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;
const MAX_CHALLENGE = 1_000;
// Verify tokens are guessable only by trying: a few handshakes a minute is all Meta needs.
const VERIFY_PER_IP: RateLimitRule = { name: 'cloud-verify:ip', limit: 30, windowMs: 60_000 };

/** The subscription handshake: echo hub.challenge when the verify token belongs to a Cloud API bot. */
export const GET = withPublic({ rateLimit: [{ rule: VERIFY_PER_IP, key: ({ ip }) => ip }] }, async ({ req }) => {
  const params = new URL(req.url).searchParams;
  const challenge = params.get('hub.challenge') ?? '';
  const token = params.get('hub.verify_token') ?? '';
  const ok =
    params.get('hub.mode') === 'subscribe' && challenge.length > 0 && challenge.length <= MAX_CHALLENGE && token.length > 0 && (await matchVerifyToken(token));
  if (!ok) throw new AppError('forbidden', 'Verification failed: the verify token matches no Cloud API bot.');
  return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
});

/**
 * A delivery: messages, statuses and contacts. Answers 200 only once everything for a known bot
 * is stored; a storage failure answers 503 so Meta delivers it again (storing is idempotent).
 */
export const POST = withPublic({ signed: true }, async ({ req, log }) => {
  // The exact bytes (the signature covers them), refused past MAX_BODY_BYTES before and while reading.
  const raw = await readBodyLimited(req, MAX_BODY_BYTES);

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_json', 'Request body is not valid JSON.');
  }
  const envelope = cloudWebhookSchema.safeParse(parsed);
  if (!envelope.success) throw new AppError('bad_request', 'Not a WhatsApp Business Account webhook payload.');
  const batches = normalizeCloudWebhook(envelope.data);

  const accounts = await stored(log, 'loading Cloud API accounts failed', () => findCloudAccounts([...batches.keys()]));
  let ignored = 0;
  const known: { account: CloudAccount; batch: CloudBatch }[] = [];
  for (const [phoneNumberId, batch] of batches) {
    const account = accounts.get(phoneNumberId);
    if (account) {
      known.push({ account, batch });
    } else {
      ignored += batch.messages.length + batch.statuses.length;
      log.warn({ phoneNumberId }, 'Cloud API webhook for an unknown phone number id ignored');
    }
  }
  if (known.length === 0) return json({ ok: true, ignored });

  // Every referenced bot's app secret must sign these exact bytes, or nothing is stored.
  const header = req.headers.get(HUB_SIGNATURE_HEADER);
  const unsigned = known.filter(({ account }) => !verifyHubSignature(account.appSecret, header, raw));
  if (unsigned.length > 0) {
    log.warn({ phoneNumberIds: unsigned.map((k) => k.account.phoneNumberId), signature: header ? 'mismatch' : 'missing' }, 'Cloud API webhook signature rejected');
    throw new AppError('unauthorized', 'Invalid signature.');
  }

  let received = 0;
  let duplicates = 0;
  let statuses = 0;
  // Through the messaging runtime: a receipt that beats Graph's answer to the send is held, not lost.
  const applyReceipt = findMessagingControl()?.applyReceipt ?? applyMessageStatus;
  for (const { account, batch } of known) {
    const bot = { id: account.botId, workspaceId: account.workspaceId };
    if (batch.messages.length > 0) {
      const result = await stored(log, 'storing Cloud API messages failed', () => ingestInbound({ bot, messages: batch.messages }));
      received += result.created;
      duplicates += result.duplicates;
    }
    for (const s of batch.statuses) {
      const applied = await stored(log, 'storing a Cloud API receipt failed', () =>
        applyReceipt({ botId: account.botId, externalId: s.externalId, status: s.status, ...(s.error ? { error: s.error } : {}) }),
      );
      if (applied) statuses++;
    }
  }
  return json({ ok: true, received, duplicates, statuses, ignored });
});

/** A database failure becomes 503: Meta retries non-2xx deliveries for days, so nothing is lost. */
async function stored<T>(log: { error(obj: object, msg: string): void }, what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (err) {
    if (err instanceof AppError) throw err;
    log.error({ err }, what);
    throw new AppError('service_unavailable', 'The delivery could not be stored; it will be accepted on retry.', { cause: err });
  }
}
