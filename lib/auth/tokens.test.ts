import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from './tokens';

const key = new Uint8Array(randomBytes(32));
const claims = { userId: '5e9c1d3a-0000-4000-8000-000000000001', sessionId: '5e9c1d3a-0000-4000-8000-000000000002' };

function b64url(obj: object): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

describe('access tokens', () => {
  let token: string;
  beforeAll(async () => {
    token = (await signAccessToken(claims, { ttlSeconds: 900, key })).token;
  });

  it('round-trips the user and session', async () => {
    const now = new Date();
    const signed = await signAccessToken(claims, { ttlSeconds: 900, key, now });
    expect(Math.round((signed.expiresAt.getTime() - now.getTime()) / 1000)).toBeGreaterThanOrEqual(899);
    const result = await verifyAccessToken(signed.token, { key });
    expect(result).toEqual({ ok: true, claims, expiresAt: signed.expiresAt });
  });

  it('reports expiry separately', async () => {
    const old = await signAccessToken(claims, { ttlSeconds: 60, key, now: new Date(Date.now() - 120_000) });
    expect(await verifyAccessToken(old.token, { key })).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a token signed with another key', async () => {
    const other = new Uint8Array(randomBytes(32));
    expect(await verifyAccessToken(token, { key: other })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects alg "none"', async () => {
    const [, payload] = token.split('.');
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expect(await verifyAccessToken(unsigned, { key })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, sig] = token.split('.') as [string, string, string];
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${b64url({ ...data, sub: 'someone-else' })}.${sig}`;
    expect(await verifyAccessToken(forged, { key })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects tokens for another audience or without a session claim', async () => {
    const wrongAud = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer('parley')
      .setAudience('something-else')
      .setExpirationTime('5m')
      .sign(key);
    expect((await verifyAccessToken(wrongAud, { key })).ok).toBe(false);
    const noSid = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer('parley')
      .setAudience('parley:api')
      .setExpirationTime('5m')
      .sign(key);
    expect((await verifyAccessToken(noSid, { key })).ok).toBe(false);
  });

  it.each(['', 'garbage', 'a.b.c', 'x'.repeat(5000)])('rejects junk %#', async (junk) => {
    expect((await verifyAccessToken(junk, { key })).ok).toBe(false);
  });
});
