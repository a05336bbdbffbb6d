import { createHmac, timingSafeEqual } from 'node:crypto';

// Stripe-style signatures for worker webhooks: `X-Parley-Signature: t=<unix seconds>,v1=<hex>`
// where v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). The timestamp bounds replays.

export const SIGNATURE_HEADER = 'x-parley-signature';
export const REPLAY_WINDOW_SECONDS = 300;

export function signPayload(secret: string, rawBody: string, t: number = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifySignature(opts: {
  secret: string;
  header: string | null;
  rawBody: string;
  nowSeconds?: number;
}): SignatureCheck {
  if (!opts.header) return { ok: false, reason: 'missing' };
  const parts = new Map<string, string[]>();
  for (const piece of opts.header.split(',')) {
    const [k, v] = piece.trim().split('=', 2);
    if (k && v) parts.set(k, [...(parts.get(k) ?? []), v]);
  }
  const t = Number(parts.get('t')?.[0]);
  const candidates = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > REPLAY_WINDOW_SECONDS) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', opts.secret).update(`${t}.${opts.rawBody}`).digest();
  // Several v1 values are allowed so a worker can sign with old and new secrets during rotation.
  for (const candidate of candidates) {
    const given = Buffer.from(candidate, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, signature: candidate };
  }
  return { ok: false, reason: 'mismatch' };
}
