import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

// One validated view of the environment, shared by the custom server and the route handlers.
// Every variable here is documented in .env.example with a working default.

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const AUTH_PROVIDERS = ['local', 'clerk', 'firebase'] as const;
export type AuthProviderName = (typeof AUTH_PROVIDERS)[number];

/** PEM from an env file may arrive with literal `\n` escapes (Docker, CI secrets): restore the newlines. */
const pem = (what: string) =>
  z
    .string()
    .transform((v) => v.replace(/\\n/g, '\n'))
    .refine(isRsaPublicKeyPem, `${what} must be an RSA public key (or certificate) in PEM format`);

function isRsaPublicKeyPem(value: string): boolean {
  if (!value.includes('-----BEGIN ')) return false;
  try {
    return createPublicKey(value).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/** The Frontend API host a Clerk publishable key encodes (`pk_test_<base64("host$")>`), or null. */
export function clerkFrontendApi(publishableKey: string): string | null {
  const m = /^pk_(test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey);
  if (!m) return null;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  return /^[a-z0-9.-]+\$$/i.test(decoded) ? decoded.slice(0, -1) : null;
}

const origins = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o), 'CLERK_AUTHORIZED_PARTIES must be comma-separated origins such as https://parley.example.com');

const envShape = z.object({
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
  /** A socket whose client stops reading is disconnected when this much waits for it for 2 s (or 4x at once). */
  SOCKET_MAX_BUFFERED_BYTES: z.coerce.number().int().min(65_536).max(1_073_741_824).default(4_194_304),
  /** How long a workspace invitation link works (days). */
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** Sign-ups per client address per 10 minutes (a team onboarding behind one NAT may need more). */
  SIGN_UP_PER_IP_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Client→server Socket.IO events one connection may send per 10 s; past it each gets a rate_limited ack. */
  SOCKET_EVENTS_PER_10S: z.coerce.number().int().min(1).max(100_000).default(30),

  // Several nodes (README "Running several nodes"). Unset REDIS_URL = one node, nothing shared.
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
    .refine((v) => URL.canParse(v), 'REDIS_URL must be a URL such as redis://127.0.0.1:6379')
    .optional(),
  /** Every Redis key, stream and channel Parley uses starts with this (several deployments can share one Redis). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'REDIS_KEY_PREFIX must be 1–64 letters, digits, dots, colons, underscores or hyphens')
    .default('parley:'),
  /** This node's name in leases, metrics and logs; unset = `<hostname>:<port>`. Must be unique per running node. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'NODE_ID must be 1–100 letters, digits, dots, colons, underscores or hyphens')
    .optional(),
  /** A node that stops renewing a WhatsApp session's lease loses it after this long; another node then takes the session over. */
  SESSION_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
  /** How often a node renews its leases and looks for expired ones to take over. */
  SESSION_LEASE_RENEW_MS: z.coerce.number().int().min(200).max(100_000).default(5_000),
  /** How long a node waits for the node that owns a session to answer a forwarded command (then 503). */
  CLUSTER_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),

  /** Who signs people in: Parley's own email/password (`local`), Clerk, or Firebase Authentication. */
  AUTH_PROVIDER: z.enum(AUTH_PROVIDERS, { error: `AUTH_PROVIDER must be one of ${AUTH_PROVIDERS.join(', ')}` }).default('local'),
  // Clerk. The browser needs the publishable key; the server verifies session tokens with the
  // PEM public key (no network) or fetches Clerk's keys with the secret key.
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: z
    .string()
    .refine((v) => clerkFrontendApi(v) !== null, 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY is not a Clerk publishable key (pk_test_… or pk_live_…)')
    .optional(),
  CLERK_JWT_KEY: pem('CLERK_JWT_KEY').optional(),
  CLERK_SECRET_KEY: z.string().regex(/^sk_(test|live)_\S+$/, 'CLERK_SECRET_KEY must start with sk_test_ or sk_live_').optional(),
  CLERK_API_URL: z.url('CLERK_API_URL must be a URL').default('https://api.clerk.com'),
  CLERK_AUTHORIZED_PARTIES: origins.optional(),
  // Firebase Authentication. The server verifies ID tokens against Google's public keys (or the
  // JWKS URL / PEM given here); the browser SDK needs the web API key.
  FIREBASE_PROJECT_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{3,38}[a-z0-9]$/, 'FIREBASE_PROJECT_ID must be a Firebase project id (lower-case letters, digits, hyphens)')
    .optional(),
  FIREBASE_JWKS_URL: z.url('FIREBASE_JWKS_URL must be a URL').optional(),
  FIREBASE_PUBLIC_KEY: pem('FIREBASE_PUBLIC_KEY').optional(),
  NEXT_PUBLIC_FIREBASE_API_KEY: z.string().regex(/^\S+$/, 'NEXT_PUBLIC_FIREBASE_API_KEY must not contain spaces').optional(),
  NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN must be a host name').optional(),
  FIREBASE_GOOGLE_SIGN_IN: booleanish.default(false),
});

/** A provider that is selected but not configured is refused here, naming every missing variable. */
export const envSchema = envShape.superRefine((e, ctx) => {
  const missing = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  if (e.AUTH_PROVIDER === 'clerk') {
    if (!e.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY) {
      missing('NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY', 'is required when AUTH_PROVIDER=clerk (Clerk dashboard → API keys)');
    }
    if (!e.CLERK_JWT_KEY && !e.CLERK_SECRET_KEY) {
      missing('CLERK_JWT_KEY', 'AUTH_PROVIDER=clerk needs CLERK_JWT_KEY (PEM public key, verifies without a network call) or CLERK_SECRET_KEY');
    }
  }
  if (e.AUTH_PROVIDER === 'firebase') {
    if (!e.FIREBASE_PROJECT_ID) missing('FIREBASE_PROJECT_ID', 'is required when AUTH_PROVIDER=firebase (Firebase console → Project settings)');
    if (!e.NEXT_PUBLIC_FIREBASE_API_KEY) {
      missing('NEXT_PUBLIC_FIREBASE_API_KEY', 'is required when AUTH_PROVIDER=firebase (the web app\'s apiKey, for sign-in in the browser)');
    }
    if (e.FIREBASE_JWKS_URL && e.FIREBASE_PUBLIC_KEY) {
      missing('FIREBASE_PUBLIC_KEY', 'set FIREBASE_JWKS_URL or FIREBASE_PUBLIC_KEY, not both');
    }
  }
  if (e.SESSION_LEASE_RENEW_MS * 2 > e.SESSION_LEASE_TTL_MS) {
    missing('SESSION_LEASE_RENEW_MS', 'must be at most half of SESSION_LEASE_TTL_MS, so a lease survives one missed renewal');
  }
  // Also when another variable is invalid, so one start reports every problem at once.
}, { when: (payload) => typeof payload.value === 'object' && payload.value !== null });

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
  for (const key of Object.keys(envShape.shape)) {
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
