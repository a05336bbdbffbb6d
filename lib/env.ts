import path from 'node:path';
import { z } from 'zod';

// One validated view of the environment, shared by the custom server and the route handlers.
// Every variable here is documented in .env.example with a working default.

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  APP_SECRET: z.string().min(32, 'APP_SECRET must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  TRUST_PROXY: booleanish.default(false),
  WHATSAPP_ENGINE: z.enum(['baileys', 'simulator']).default('baileys'),
  WORKER_WEBHOOK_SECRET: z.string().min(32, 'WORKER_WEBHOOK_SECRET must be at least 32 characters').optional(),
  SIMULATOR_QR_FIRST_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  SIMULATOR_QR_NEXT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  SIMULATOR_QR_REFS: z.coerce.number().int().min(1).max(20).default(6),
  SIMULATOR_RESTART_MS: z.coerce.number().int().min(0).max(60_000).default(400),
  /** Graph API base, version included; tests point it at a local fake. */
  WHATSAPP_GRAPH_URL: z.url('WHATSAPP_GRAPH_URL must be a URL').default('https://graph.facebook.com/v21.0'),
  /** WhatsApp bans fast senders: the least time between two messages to one contact. */
  SEND_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Attempts per outbound message before it is marked failed (transient errors only are retried). */
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(300_000).default(15_000),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid environment:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Validates a raw environment. Empty strings count as unset, as in most .env tooling. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = raw[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

const CACHE = Symbol.for('parley.env');
type EnvCache = { [CACHE]?: Env };

/** The process environment, validated once per process (route bundles share it via globalThis). */
export function env(): Env {
  const g = globalThis as EnvCache;
  return (g[CACHE] ??= parseEnv(process.env));
}

/** Tests and the server call this after changing process.env. */
export function resetEnvCache(): void {
  delete (globalThis as EnvCache)[CACHE];
}

export function dataDir(e: Env = env()): string {
  return path.resolve(e.DATA_DIR);
}

export function isProduction(e: Env = env()): boolean {
  return e.NODE_ENV === 'production';
}
