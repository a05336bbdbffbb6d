import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: pino(loggerOptions('info'), stream), text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('never writes passwords, tokens, cookies, authorization headers, QR codes, pairing codes or WhatsApp creds', () => {
    const { log, text } = capture();
    log.info({ password: 'hunter2-password', token: 'eyJ.secret.token' }, 'top level');
    log.info({ body: { password: 'nested-password', token: 'nested-token', qrCode: '2@qr-credential' } }, 'nested');
    log.info({ req: { headers: { cookie: 'parley_session=abc123', authorization: 'Bearer eyJ.header.token' } } }, 'request');
    log.info({ headers: { cookie: 'parley_session=def456' } }, 'headers');
    // WhatsApp material: Baileys-style `qr` updates, pairing codes and auth state.
    log.info({ update: { qr: '2@raw-baileys-qr' }, pairingCode: 'PAIR1234', creds: { noiseKey: 'noise-private' } }, 'whatsapp');
    const out = text();
    for (const secret of ['hunter2-password', 'eyJ.secret.token', 'nested-password', 'nested-token', '2@qr-credential', 'abc123', 'eyJ.header.token', 'def456', '2@raw-baileys-qr', 'PAIR1234', 'noise-private']) {
      expect(out).not.toContain(secret);
    }
    expect(out.match(/\[redacted\]/g)?.length).toBe(11);
  });

  it('never writes Cloud API credentials, at the top level or one level down', () => {
    const { log, text } = capture();
    log.info({ accessToken: 'EAAG-top', body: { accessToken: 'EAAG-nested', appSecret: 'app-secret-value', verifyToken: 'verify-me' } }, 'cloud');
    const out = text();
    for (const secret of ['EAAG-top', 'EAAG-nested', 'app-secret-value', 'verify-me']) expect(out).not.toContain(secret);
  });
});
