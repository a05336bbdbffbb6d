import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import { loggerOptions } from '@/lib/logger';

/** JSON logs in production; human-readable ones in development (pino-pretty is a dev dependency). */
export function createServerLogger(level: string, dev: boolean): Logger {
  if (dev) {
    try {
      const pretty = createRequire(import.meta.url)('pino-pretty') as (opts: object) => NodeJS.WritableStream;
      return pino(loggerOptions(level), pretty({ colorize: true, ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' }));
    } catch {
      // Installed without dev dependencies: fall through to JSON.
    }
  }
  return pino(loggerOptions(level));
}
