// Where the e2e servers listen. playwright.config.ts starts them; specs that need the second one
// import its URL from here (the config and the test workers load this module alike).

/** The main server: WhatsApp's own QR timing (first code 60 s, then 20 s each, 6 codes). */
export const MAIN_PORT = Number(process.env.E2E_PORT ?? 3217);
export const MAIN_URL = `http://localhost:${MAIN_PORT}`;

/** The fake Graph API (e2e/fake-graph.ts) that the main server's Cloud API bots talk to. */
export const E2E_GRAPH = {
  port: MAIN_PORT + 2,
  url: `http://127.0.0.1:${MAIN_PORT + 2}/v21.0`,
  accessToken: 'EAAGe2eFakeGraphAccessToken0123456789',
} as const;

/** A second server whose simulator rotates QR codes fast, for rotation and expiry tests. */
export const FAST_QR_PORT = MAIN_PORT + 1;
export const FAST_QR_URL = `http://localhost:${FAST_QR_PORT}`;
export const FAST_QR_TIMING = { firstMs: 3_000, nextMs: 2_000, refs: 3 } as const;
