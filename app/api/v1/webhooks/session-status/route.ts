import { json, parseInput, parseJsonText, withPublic } from '@/lib/api/with-route';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { readBodyLimited } from '@/lib/http/read-body';
import { applySessionWebhook } from '@/lib/services/whatsapp/apply-session-webhook';
import { sessionStatusWebhookBody } from '@/lib/validation/webhook';
import { SIGNATURE_HEADER, verifySignature } from '@/lib/webhooks/signature';

const MAX_BODY = 16_000;

/** Status reports from out-of-process session workers, HMAC-signed with WORKER_WEBHOOK_SECRET. */
export const POST = withPublic({ signed: true }, async ({ req, log }) => {
  const secret = env().WORKER_WEBHOOK_SECRET;
  if (!secret) throw new AppError('service_unavailable', 'The worker webhook is not configured (set WORKER_WEBHOOK_SECRET).');

  // Refused while streaming: a 10 MB body is never read whole (the limit is far above any report).
  const raw = (await readBodyLimited(req, MAX_BODY)).toString('utf8');
  // The signature is checked over the exact bytes received, before anything is parsed.
  const check = verifySignature({ secret, header: req.headers.get(SIGNATURE_HEADER), rawBody: raw });
  if (!check.ok) {
    log.warn({ reason: check.reason }, 'worker webhook signature rejected');
    throw new AppError('unauthorized', check.reason === 'stale' ? 'Signature timestamp is outside the 5-minute window.' : 'Invalid signature.');
  }

  const payload = parseInput(sessionStatusWebhookBody, parseJsonText(raw));
  const result = await applySessionWebhook({ deliveryId: check.signature, payload });
  return json({ ok: true, duplicate: result.duplicate, ...(result.snapshot ? { status: result.snapshot.status } : {}) });
});
