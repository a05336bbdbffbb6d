/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Security headers (CSP, framing, nosniff, referrer) are set per request by the custom server
  // (server/http/security-headers.ts): headers() here would be frozen into the build.
  // The custom server (server/index.ts) and the route bundles load these from node_modules, so they
  // are the same module instances at run time; PGlite also fails inside a bundle (STACK-NOTES).
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'pino', 'pino-pretty', 'drizzle-orm'],
  // `npm test` and CI run `tsc --noEmit` and ESLint themselves; repeating it inside `next build`
  // only makes the first `npm start` slower for people who just want to run Parley.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
