import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('gives every variable a working default', () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      SESSION_TTL_DAYS: 30,
      TOKEN_TTL_SECONDS: 900,
      COOKIE_SECURE: 'auto',
      TRUST_PROXY: false,
    });
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.APP_SECRET).toBeUndefined();
  });

  it('coerces numbers and booleans', () => {
    const e = parseEnv({ PORT: '0', TRUST_PROXY: 'true', TOKEN_TTL_SECONDS: '120' });
    expect(e.PORT).toBe(0);
    expect(e.TRUST_PROXY).toBe(true);
    expect(e.TOKEN_TTL_SECONDS).toBe(120);
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', APP_SECRET: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ APP_SECRET: 'short' }, 'APP_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ COOKIE_SECURE: 'maybe' }, 'COOKIE_SECURE'],
  ])('rejects %o naming the variable', (raw, name) => {
    expect(() => parseEnv(raw)).toThrow(EnvError);
    try {
      parseEnv(raw);
    } catch (err) {
      expect((err as EnvError).issues.join('\n')).toContain(name);
    }
  });

  it('accepts postgres and postgresql URLs', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://u@h/db' }).DATABASE_URL).toBe('postgres://u@h/db');
    expect(parseEnv({ DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
  });
});
