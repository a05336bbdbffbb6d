import { createHmac, timingSafeEqual } from 'node:crypto';

// Meta signs every webhook POST: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.
// The check runs over the exact bytes received; re-serialised JSON would not match.

export const HUB_SIGNATURE_HEADER = 'x-hub-signature-256';

export function signHubPayload(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyHubSignature(appSecret: string, header: string | null | undefined, rawBody: string | Buffer): boolean {
  if (!appSecret || !header) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
