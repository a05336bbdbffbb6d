import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_SECONDS, signPayload, verifySignature } from './signature';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ status: 'CONNECTED', phoneNumber: '15550102000' });
const now = 1_700_000_000;

const hmac = (key: string, t: number, raw: string) => createHmac('sha256', key).update(`${t}.${raw}`).digest('hex');

describe('webhook signatures', () => {
  it('signs as t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    expect(signPayload(secret, body, now)).toBe(`t=${now},v1=${hmac(secret, now, body)}`);
  });

  it('accepts a valid signature, also with spaces after the comma and within the window', () => {
    const header = signPayload(secret, body, now);
    expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now })).toEqual({ ok: true, signature: hmac(secret, now, body) });
    expect(verifySignature({ secret, header: header.replace(',', ', '), rawBody: body, nowSeconds: now }).ok).toBe(true);
    expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now + REPLAY_WINDOW_SECONDS }).ok).toBe(true);
    expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now - REPLAY_WINDOW_SECONDS }).ok).toBe(true);
  });

  it('uses the current time when nowSeconds is not given', () => {
    const header = signPayload(secret, body);
    expect(verifySignature({ secret, header, rawBody: body }).ok).toBe(true);
  });

  it('rejects a changed body, a wrong secret or a changed timestamp as mismatch', () => {
    const header = signPayload(secret, body, now);
    expect(verifySignature({ secret, header, rawBody: `${body} `, nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature({ secret: 'other', header, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
    const moved = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(verifySignature({ secret, header: moved, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
    // A truncated or non-hex v1 never matches (and never throws in timingSafeEqual).
    const short = `t=${now},v1=${hmac(secret, now, body).slice(0, 20)}`;
    expect(verifySignature({ secret, header: short, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature({ secret, header: `t=${now},v1=zzzz`, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects timestamps more than 300 s away as stale, before checking the HMAC', () => {
    expect(REPLAY_WINDOW_SECONDS).toBe(300);
    const header = signPayload(secret, body, now);
    expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now + 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now - 301 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('reports a missing header', () => {
    expect(verifySignature({ secret, header: null, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature({ secret, header: '', rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'missing' });
  });

  it('reports malformed headers', () => {
    const v1 = hmac(secret, now, body);
    for (const header of ['garbage', `v1=${v1}`, `t=${now}`, `t=abc,v1=${v1}`, `t=${now}.5,v1=${v1}`, `t=${now},v1=`, `t=,v1=${v1}`]) {
      expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now }), header).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('accepts any one of several v1 values (secret rotation), and returns the one that matched', () => {
    const oldSig = hmac('old-secret', now, body);
    const newSig = hmac(secret, now, body);
    const header = `t=${now},v1=${oldSig},v1=${newSig}`;
    expect(verifySignature({ secret, header, rawBody: body, nowSeconds: now })).toEqual({ ok: true, signature: newSig });
    expect(verifySignature({ secret: 'old-secret', header, rawBody: body, nowSeconds: now })).toEqual({ ok: true, signature: oldSig });
    expect(verifySignature({ secret: 'third', header, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
  });
});
