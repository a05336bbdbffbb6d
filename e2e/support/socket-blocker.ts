import type { Page, WebSocketRoute } from '@playwright/test';

/**
 * Puts the page's Socket.IO connection under the test's control. Install before the first
 * navigation. While unblocked, WebSockets go through to the server untouched; `block()` closes
 * the live one and refuses every new attempt (WebSocket and the HTTP long-polling fallback)
 * until `unblock()`.
 *
 * How a WebSocket is refused: a routed socket the test closes before it connects only fires
 * `close` in the page (never `error`), and socket.io-client then waits out its 20 s connect
 * timeout before trying again, which a real outage (a refused upgrade fires `error`) does not
 * cause. So the refused socket answers with a packet Engine.IO cannot parse, which the client
 * handles as the failed connection it is: it falls back to long-polling (aborted below), then
 * retries with its usual backoff.
 */
export async function controlSocket(page: Page) {
  let blocked = false;
  let live: { client: WebSocketRoute; server: WebSocketRoute }[] = [];
  const attempts: { at: number; blocked: boolean }[] = [];

  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    attempts.push({ at: Date.now(), blocked });
    if (blocked) {
      ws.send('refused by the test');
      void ws.close({ code: 1011, reason: 'refused by the test' });
      return;
    }
    live.push({ client: ws, server: ws.connectToServer() });
  });
  // Socket.IO falls back to HTTP long-polling when WebSockets fail: refuse that too while blocked.
  await page.route('**/socket.io/**', (route) => (blocked ? route.abort('connectionrefused') : route.fallback()));

  return {
    attempts,
    async block() {
      blocked = true;
      const open = live;
      live = [];
      for (const { client, server } of open) {
        await server.close({ code: 1001, reason: 'blocked by the test' });
        await client.close({ code: 1001, reason: 'blocked by the test' });
      }
    },
    unblock() {
      blocked = false;
    },
  };
}
