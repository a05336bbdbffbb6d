import { clerkFrontendApi, type Env } from '@/lib/env';

// Security headers for every response the server sends — pages, route handlers, the SSE stream
// and the custom server's own errors — set here at request time rather than in next.config.mjs,
// whose headers() is frozen into the build: the same build serves any AUTH_PROVIDER, and the
// sign-in SDKs need their own origins in the policy.

/** The Content-Security-Policy for this configuration. */
export function contentSecurityPolicy(config: Env, dev: boolean): string {
  const script = ["'self'", "'unsafe-inline'"]; // Next's inline bootstrap scripts carry no nonce
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

export function securityHeaders(config: Env, dev: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(config, dev),
    // Nothing in Parley is meant to be embedded (frame-ancestors above; this for old browsers).
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}
