import { describe, expect, it } from 'vitest';
import { signWebhook } from '@/test/fake-graph-server';
import { signHubPayload, verifyHubSignature } from './signature';

const SECRET = 'app-secret-0123456789abcdef';
const RAW = '{"object":"whatsapp_business_account","entry":[]}';
// Computed outside this code: printf '%s' "$RAW" | openssl dgst -sha256 -hmac "$SECRET"
const KNOWN = 'sha256=1f1ddaf60129a405dae511085a1277c94455b2d955e1986bf5048cac89765e87';

describe('verifyHubSignature', () => {
  it('accepts the HMAC-SHA256 of the raw body as Meta computes it', () => {
    expect(signHubPayload(SECRET, RAW)).toBe(KNOWN);
    expect(verifyHubSignature(SECRET, KNOWN, RAW)).toBe(true);
    expect(verifyHubSignature(SECRET, KNOWN, Buffer.from(RAW))).toBe(true);
    expect(verifyHubSignature(SECRET, KNOWN.toUpperCase().replace('SHA256=', 'sha256='), RAW)).toBe(true);
  });

  it('rejects another secret, other bytes, and re-serialised JSON', () => {
    expect(verifyHubSignature('another-secret-0123456789', KNOWN, RAW)).toBe(false);
    expect(verifyHubSignature(SECRET, KNOWN, RAW + ' ')).toBe(false);
    expect(verifyHubSignature(SECRET, KNOWN, JSON.stringify(JSON.parse(RAW), null, 2))).toBe(false);
  });

  it('rejects missing and malformed headers', () => {
    const hex = KNOWN.slice('sha256='.length);
    for (const header of [null, undefined, '', hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`, 'sha256=zz', `t=1,v1=${hex}`]) {
      expect(verifyHubSignature(SECRET, header, RAW)).toBe(false);
    }
    expect(verifyHubSignature('', KNOWN, RAW)).toBe(false);
  });

  it('agrees with the test helper that signs deliveries', () => {
    const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }], note: 'é ✓' });
    expect(verifyHubSignature(SECRET, signWebhook(SECRET, raw), raw)).toBe(true);
    expect(verifyHubSignature(SECRET, signWebhook(SECRET, raw), Buffer.from(raw, 'utf8'))).toBe(true);
  });
});
