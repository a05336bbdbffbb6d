import pino, { type Logger, type LoggerOptions } from 'pino';

// Anything that may carry a credential is censored wherever it appears in a log object.
const SECRET_KEYS = [
  'password',
  'token',
  'cookie',
  'authorization',
  'qrCode',
  'qr',
  'pairingCode',
  'creds',
  'keys',
  'secret',
  // Cloud API credentials (lib/services/cloud-api).
  'accessToken',
  'appSecret',
  'verifyToken',
];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'headers.cookie',
  'headers.authorization',
  'req.headers.cookie',
  'req.headers.authorization',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'parley' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}

const KEY = Symbol.for('parley.logger');
type LoggerHolder = { [KEY]?: Logger };

/** The server installs its logger (pretty in dev) at boot; route bundles pick up the same one. */
export function installLogger(instance: Logger): void {
  (globalThis as LoggerHolder)[KEY] = instance;
}

export function getLogger(): Logger {
  const g = globalThis as LoggerHolder;
  return (g[KEY] ??= pino(loggerOptions(process.env.LOG_LEVEL || 'info')));
}

export function childLogger(component: string): Logger {
  return getLogger().child({ component });
}
