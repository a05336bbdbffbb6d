import type { Page } from '@playwright/test';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
}

/** Every HTTP request the page sends (path only), with the time it was sent. */
export function recordRequests(page: Page) {
  const all: RecordedRequest[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    all.push({ at: Date.now(), method: req.method(), path: url.pathname });
  });
  return {
    all,
    since(t: number) {
      return all.filter((r) => r.at >= t);
    },
    /** Requests for a bot's session status (the QR step's polling fallback). */
    sessionStatus(since = 0) {
      return all.filter((r) => r.at >= since && r.path.startsWith('/api/v1/whatsapp/session-status/'));
    },
    /** Reads of the dashboard's bot list. */
    botList(since = 0) {
      return all.filter((r) => r.at >= since && r.method === 'GET' && r.path === '/api/v1/bots');
    },
    /** Any bot or WhatsApp-status endpoint. */
    statusReads(since = 0) {
      return all.filter((r) => r.at >= since && (r.path.startsWith('/api/v1/bots') || r.path.startsWith('/api/v1/whatsapp/')));
    },
  };
}
