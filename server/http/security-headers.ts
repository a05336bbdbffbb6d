import { clerkFrontendApi, type Env } from '@/lib/env';

// Security headers for every response the server sends — pages, route handlers, the SSE stream
// and the custom server's own errors — set here at request time rather than in next.config.mjs,
// whose headers() is frozen into the build: the same build serves any AUTH_PROVIDER, and pages
// get a fresh script nonce per request.

/**
 * The Content-Security-Policy for this configuration. With a nonce (pages): only scripts carrying
 * it run, and what they load ('strict-dynamic'): Next.js puts the nonce on its own scripts when it
 * finds it in the request's CSP header. Without one (API, SSE, errors): scripts from Parley only.
 */
export function contentSecurityPolicy(config: Env, dev: boolean, nonce?: string): string {
  const script = nonce ? ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"] : ["'self'"];
  const connect = ["'self'", 'ws:', 'wss:'];
  const frame: string[] = [];
  if (dev) script.push("'unsafe-eval'"); // React's dev tooling and HMR evaluate code
  if (config.AUTH_PROVIDER === 'clerk') {
    const fapi = config.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY ? clerkFrontendApi(config.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY) : null;
    // Clerk's docs: clerk-js from the Frontend API, bot protection from Cloudflare Turnstile.
    const clerk = [...(fapi ? [`https://${fapi}`] : []), 'https://*.clerk.accounts.dev', 'https://challenges.cloudflare.com'];
    script.push(...clerk);
    connect.push(...clerk);
    frame.push('https://challenges.cloudflare.com');
  }
  if (config.AUTH_PROVIDER === 'firebase') {
    const authDomain = config.NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN ?? `${config.FIREBASE_PROJECT_ID}.firebaseapp.com`;
    script.push('https://apis.google.com', 'https://www.gstatic.com');
    connect.push('https://*.googleapis.com');
    frame.push(`https://${authDomain}`);
  }
  return [
    "default-src 'self'",
    `script-src ${script.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    `frame-src ${frame.length ? frame.join(' ') : "'none'"}`,
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** The headers for one response; `nonce` for pages (see contentSecurityPolicy). */
export function securityHeaders(config: Env, dev: boolean): (nonce?: string) => Record<string, string> {
  const fixed = {
    // Nothing in Parley is meant to be embedded (frame-ancestors above; this for old browsers).
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
  const withoutNonce = contentSecurityPolicy(config, dev);
  return (nonce) => ({ 'Content-Security-Policy': nonce ? contentSecurityPolicy(config, dev, nonce) : withoutNonce, ...fixed });
}
