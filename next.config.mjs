// Security headers for every page and API response. A full nonce-based CSP arrives with the
// fault/abuse work; framing is refused now because nothing in Parley is meant to be embedded.
const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/index.ts) and the route bundles load these from node_modules, so they
  // are the same module instances at run time; PGlite also fails inside a bundle (STACK-NOTES).
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'pino', 'pino-pretty', 'drizzle-orm'],
  // `npm test` and CI run `tsc --noEmit` and ESLint themselves; repeating it inside `next build`
  // only makes the first `npm start` slower for people who just want to run Parley.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
