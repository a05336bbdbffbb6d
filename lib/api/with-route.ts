import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { READ_AT_HEADER } from '@/lib/api/read-at';
import { authenticateRequest, bearerToken } from '@/lib/auth/authenticate';
import type { Principal } from '@/lib/auth/principal';
import { env } from '@/lib/env';
import { AppError, errorBody, toAppError } from '@/lib/errors';
import { clientIp } from '@/lib/http/client-ip';
import { readBodyLimited } from '@/lib/http/read-body';
import { childLogger } from '@/lib/logger';
import { rateLimiter, type RateLimitRule } from '@/lib/rate-limit/rate-limiter';

const MAX_JSON_BODY_BYTES = 1_000_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Keys that mean prototype pollution in any JS consumer: refused outright, not silently stripped. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** NUL (PostgreSQL text cannot hold it) and unpaired UTF-16 surrogates (not text in any encoding). */
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface RouteContext<TBody, TQuery, TParams, TPrincipal> {
  req: Request;
  body: TBody;
  query: TQuery;
  params: TParams;
  principal: TPrincipal;
  ip: string;
  log: Logger;
}

/** A rate limit keyed by something known after parsing (IP, email, user id…). */
export interface RouteRateLimit<TBody, TPrincipal> {
  rule: RateLimitRule;
  key: (ctx: { ip: string; body: TBody; principal: TPrincipal }) => string;
}

interface RouteOptions<TBody, TQuery, TPrincipal> {
  body?: ZodType<TBody>;
  /** An empty body is parsed as `{}` (endpoints whose every field is optional). */
  emptyBodyOk?: boolean;
  query?: ZodType<TQuery>;
  rateLimit?: RouteRateLimit<TBody, TPrincipal>[];
  /** A webhook authenticated by its own signature (no cookie): exempt from the Origin check. */
  signed?: boolean;
}

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };
type RouteHandler = (req: Request, ctx: NextRouteContext) => Promise<Response>;

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  return Response.json(data, { ...init, headers });
}

export function errorResponse(err: AppError): Response {
  const headers = new Headers({ 'cache-control': 'no-store' });
  if (err.retryAfter !== undefined) headers.set('retry-after', String(err.retryAfter));
  return Response.json(errorBody(err), { status: err.status, headers });
}

/** A route that requires a signed-in caller (cookie or bearer token). */
export function withSession<TBody = undefined, TQuery = undefined, TParams = Record<string, string>>(
  opts: RouteOptions<TBody, TQuery, Principal>,
  handler: (ctx: RouteContext<TBody, TQuery, TParams, Principal>) => Promise<Response>,
): RouteHandler {
  return createRoute(opts, handler, true);
}

/** A route anyone may call (sign-in, sign-up, health). The principal is resolved when present. */
export function withPublic<TBody = undefined, TQuery = undefined, TParams = Record<string, string>>(
  opts: RouteOptions<TBody, TQuery, Principal | null>,
  handler: (ctx: RouteContext<TBody, TQuery, TParams, Principal | null>) => Promise<Response>,
): RouteHandler {
  return createRoute(opts, handler, false);
}

function createRoute<TBody, TQuery, TParams, TPrincipal extends Principal | null>(
  opts: RouteOptions<TBody, TQuery, TPrincipal>,
  handler: (ctx: RouteContext<TBody, TQuery, TParams, TPrincipal>) => Promise<Response>,
  requireSession: boolean,
): RouteHandler {
  return async (req, nextCtx) => {
    const readAt = Date.now();
    const log = childLogger('api');
    const url = new URL(req.url);
    try {
      if (!opts.signed) checkOrigin(req);
      const ip = clientIp(req);
      const principal = (await authenticateRequest(req)) as TPrincipal;
      if (requireSession && !principal) throw new AppError('unauthorized', 'Sign in to continue.');

      const query = opts.query ? parseInput(opts.query, queryObject(url.searchParams)) : (undefined as TQuery);
      const body = opts.body ? parseInput(opts.body, await readJson(req, opts.emptyBodyOk ?? false)) : (undefined as TBody);

      for (const limit of opts.rateLimit ?? []) {
        const result = await rateLimiter().consume(limit.rule, limit.key({ ip, body, principal }));
        if (!result.ok) {
          throw new AppError('rate_limited', `Too many attempts. Try again in ${result.retryAfter} s.`, {
            retryAfter: result.retryAfter,
          });
        }
      }

      const params = ((await nextCtx?.params) ?? {}) as TParams;
      return stampReadAt(await handler({ req, body, query, params, principal, ip, log }), readAt);
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.status >= 500) log.error({ err, method: req.method, path: url.pathname }, 'request failed');
      return errorResponse(appErr);
    }
  };
}

/**
 * When the request arrived, so every read behind the response happened no earlier: the browser
 * compares it with when its socket joined its rooms, and refetches only what could have missed a push.
 */
function stampReadAt(res: Response, readAt: number): Response {
  try {
    res.headers.set(READ_AT_HEADER, String(readAt));
  } catch {
    // Immutable headers (a redirect): nothing reads those as data.
  }
  return res;
}

/** zod → 422 with the first message and every issue in details. */
export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('validation_failed', result.error.issues[0]?.message ?? 'Invalid input.', {
    details: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

async function readJson(req: Request, emptyOk: boolean): Promise<unknown> {
  const text = (await readBodyLimited(req, MAX_JSON_BODY_BYTES)).toString('utf8');
  if (text.trim() === '') {
    if (emptyOk) return {};
    throw new AppError('invalid_json', 'Request body must be JSON.');
  }
  // A form or text/plain body is what a cross-site <form> can send without a preflight: JSON only.
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new AppError('unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).');
  }
  return parseJsonText(text);
}

/**
 * JSON from a request, refused with 400 when it is not JSON, names a prototype anywhere
 * (`__proto__`, `constructor`, `prototype`) or carries text PostgreSQL cannot store.
 */
export function parseJsonText(text: string): unknown {
  let forbidden: string | undefined;
  let unstorable = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, function (key, value: unknown) {
      if (FORBIDDEN_KEYS.has(key)) forbidden ??= key;
      if (UNSTORABLE_TEXT.test(key) || (typeof value === 'string' && UNSTORABLE_TEXT.test(value))) unstorable = true;
      return value;
    });
  } catch {
    throw new AppError('invalid_json', 'Request body is not valid JSON.');
  }
  if (forbidden) throw new AppError('bad_request', `The key "${forbidden}" is not allowed in a request body.`);
  if (unstorable) throw new AppError('bad_request', 'Text must not contain NUL characters or unpaired surrogates.');
  return parsed;
}

/** Query parameters as an object; prototype-pollution names are refused like in bodies. */
function queryObject(params: URLSearchParams): Record<string, string> {
  for (const [key, value] of params) {
    if (FORBIDDEN_KEYS.has(key)) throw new AppError('bad_request', `The query parameter "${key}" is not allowed.`);
    if (UNSTORABLE_TEXT.test(key) || UNSTORABLE_TEXT.test(value)) {
      throw new AppError('bad_request', 'Query parameters must not contain NUL characters or unpaired surrogates.');
    }
  }
  return Object.fromEntries(params);
}

/**
 * CSRF: a state-changing request carrying a browser Origin from another site is refused.
 * SameSite=Lax already keeps the cookie off cross-site POSTs; this closes the rest.
 */
function checkOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  // A bearer token is never sent by a browser on its own (and then the cookie is not used), so a
  // script or integration calling with one may come from anywhere.
  if (bearerToken(req.headers.get('authorization'))) return;
  if (req.headers.get('sec-fetch-site') === 'cross-site') throw forbiddenOrigin();
  const origin = req.headers.get('origin');
  if (!origin) return;
  const host = (env().TRUST_PROXY && req.headers.get('x-forwarded-host')) || req.headers.get('host');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw forbiddenOrigin();
  }
  if (!host || originHost !== host) throw forbiddenOrigin();
}

function forbiddenOrigin(): AppError {
  return new AppError('forbidden', 'Cross-site request refused.');
}
