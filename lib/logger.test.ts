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
  it('never writes passwords, tokens, cookies, authorization headers or QR codes', () => {
    const { log, text } = capture();
    log.info({ password: 'hunter2-password', token: 'eyJ.secret.token' }, 'top level');
    log.info({ body: { password: 'nested-password', token: 'nested-token', qrCode: '2@qr-credential' } }, 'nested');
    log.info({ req: { headers: { cookie: 'parley_session=abc123', authorization: 'Bearer eyJ.header.token' } } }, 'request');
    log.info({ headers: { cookie: 'parley_session=def456' } }, 'headers');
    const out = text();
    for (const secret of ['hunter2-password', 'eyJ.secret.token', 'nested-password', 'nested-token', '2@qr-credential', 'abc123', 'eyJ.header.token', 'def456']) {
      expect(out).not.toContain(secret);
    }
    expect(out.match(/\[redacted\]/g)?.length).toBe(8);
  });
});
