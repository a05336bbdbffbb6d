import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import pino from 'pino';
import { SWRConfig } from 'swr';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { WorkspaceProvider } from '@/components/shell/workspace-context';
import { createEtagFetcher } from '@/lib/api/etag-fetcher';
import type { Principal } from '@/lib/auth/principal';
import { installRealtime, publish } from '@/lib/realtime/publish';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { BotList } from './bot-list';

// One in-process node http server plays Parley: our real Socket.IO server (a stub token check
// instead of the database) and a tiny REST stand-in for /api/v1/bots whose requests we count.

let http: HttpServer;
let realtime: RealtimeServer;
let base: string;
let bots: BotView[] = [];
let listRequests = 0;
let failList = false;
let calls: string[] = [];

const principal: Principal = { userId: 'u1', sessionId: 's1', via: 'token', memberships: [{ workspaceId: 'w1', role: 'owner' }] };

function bot(overrides: Partial<BotView> & Pick<BotView, 'id' | 'name'>): BotView {
  return {
    workspaceId: 'w1',
    description: '',
    channel: 'whatsapp_web',
    settings: {} as BotView['settings'],
    status: 'DISCONNECTED',
    statusReason: null,
    sessionId: null,
    phoneNumber: null,
    displayName: null,
    lastConnectedAt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function api(req: IncomingMessage, res: ServerResponse) {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && pathname === '/api/v1/bots') {
    listRequests += 1;
    if (failList) return send(res, 500, { error: { code: 'internal', message: 'The database is down.' } });
    return send(res, 200, { bots });
  }
  const one = /^\/api\/v1\/bots\/([^/]+)(\/logout)?$/.exec(pathname);
  if (one && req.method === 'DELETE' && !one[2]) {
    calls.push(`DELETE ${pathname}`);
    bots = bots.filter((b) => b.id !== one[1]);
    return send(res, 204);
  }
  if (one && req.method === 'POST' && one[2]) {
    calls.push(`POST ${pathname}`);
    return send(res, 200, { botId: one[1], sessionId: 'sess', status: 'LOGGED_OUT' });
  }
  send(res, 404, { error: { code: 'not_found', message: 'Not found.' } });
}

const realFetch = globalThis.fetch;

beforeAll(async () => {
  // Socket.IO takes /socket.io/ requests and hands every other request to this handler.
  http = createServer(api);
  realtime = createRealtimeServer(http, {
    log: pino({ level: 'silent' }),
    authenticate: async ({ token }) => (token === 'good' ? principal : null),
  });
  installRealtime(realtime.facade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // Components call apiRequest('/api/v1/…') as a browser would; Node's fetch needs the origin.
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
    realFetch(typeof input === 'string' && input.startsWith('/') ? base + input : input, init),
  );
});

beforeEach(() => {
  bots = [];
  listRequests = 0;
  failList = false;
  calls = [];
});

afterEach(async () => {
  cleanup();
  await waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
});

afterAll(async () => {
  vi.unstubAllGlobals();
  installRealtime(undefined);
  await realtime.close();
});

function renderList(role: 'owner' | 'admin' | 'agent' = 'owner') {
  const workspace = { id: 'w1', name: 'Acme', role };
  return render(
    // A fresh SWR cache per test, so one test's list never leaks into the next.
    <SWRConfig value={{ provider: () => new Map() }}>
      <WorkspaceProvider active={workspace} workspaces={[workspace]}>
        <UnifiedWebSocketProvider options={{ url: base, auth: { token: 'good' } }} fetcher={createEtagFetcher({ base })}>
          <BotList />
        </UnifiedWebSocketProvider>
      </WorkspaceProvider>
    </SWRConfig>,
  );
}

async function renderLoaded(count: number, role: 'owner' | 'admin' | 'agent' = 'owner') {
  const view = renderList(role);
  await waitFor(() => expect(screen.queryAllByTestId('bot-row')).toHaveLength(count));
  // Events are only delivered once the socket has joined workspace:w1.
  await waitFor(() => expect(realtime.facade.connectionCount()).toBe(1));
  return view;
}

function row(id: string): HTMLElement {
  const el = screen.getAllByTestId('bot-row').find((r) => r.dataset.botId === id);
  if (!el) throw new Error(`no row for ${id}`);
  return el;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BotList', () => {
  it('shows "Loading bots…" first, then the empty state with a Create bot link', async () => {
    renderList();
    expect(screen.getByRole('status').textContent).toBe('Loading bots…');
    const heading = await screen.findByRole('heading', { name: 'No bots yet' });
    const empty = heading.closest('section');
    expect(empty).not.toBeNull();
    expect(within(empty!).getByRole('link', { name: 'Create bot' }).getAttribute('href')).toBe('/bots/new');
    expect(screen.queryAllByTestId('bot-row')).toHaveLength(0);
  });

  it('renders one row per bot with status, phone, WhatsApp name, last connected and per-status actions', async () => {
    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000 - 5_000).toISOString();
    bots = [
      bot({ id: 'b1', name: 'Alpha', description: 'Answers FAQs', status: 'CONNECTED', phoneNumber: '15550001234', displayName: 'Alpha Phone', lastConnectedAt: twoMinutesAgo }),
      bot({ id: 'b2', name: 'Beta' }),
    ];
    await renderLoaded(2);
    expect(screen.getAllByTestId('bot-row').map((r) => r.dataset.botId)).toEqual(['b1', 'b2']);

    const alpha = within(row('b1'));
    expect(alpha.getByRole('link', { name: 'Alpha' }).getAttribute('href')).toBe('/bots/b1');
    expect(alpha.getByTestId('bot-status').textContent).toBe('Connected');
    expect(alpha.getByText('+15550001234')).toBeTruthy();
    expect(alpha.getByText('Alpha Phone')).toBeTruthy();
    const time = row('b1').querySelector('time');
    expect(time?.textContent).toBe('2 min ago');
    expect(time?.getAttribute('dateTime')).toBe(twoMinutesAgo);
    expect(time?.getAttribute('title')).toBeTruthy();
    expect(alpha.getByTestId('bot-messages-today').textContent).toContain('—');
    expect(alpha.getByRole('link', { name: 'Open Alpha' }).getAttribute('href')).toBe('/bots/b1');
    expect(alpha.getByRole('button', { name: 'Log out Alpha' })).toBeTruthy();
    expect(alpha.getByRole('button', { name: 'Delete Alpha' })).toBeTruthy();
    // Connected: nothing to link.
    expect(alpha.queryByRole('link', { name: /Link WhatsApp|Relink/ })).toBeNull();

    const beta = within(row('b2'));
    expect(beta.getByTestId('bot-status').textContent).toBe('Not linked');
    expect(beta.getByTestId('bot-last-connected').textContent).toBe('Never');
    expect(beta.getByRole('link', { name: 'Link WhatsApp Beta' }).getAttribute('href')).toBe('/bots/b2/link');
    // Not linked: nothing to log out of.
    expect(beta.queryByRole('button', { name: /Log out/ })).toBeNull();
  });

  it('shows an agent every bot with Open only, and says why (no link, log out or delete)', async () => {
    bots = [bot({ id: 'b1', name: 'Alpha', status: 'CONNECTED', phoneNumber: '15550001234' }), bot({ id: 'b2', name: 'Beta' })];
    await renderLoaded(2, 'agent');
    for (const id of ['b1', 'b2']) {
      const r = within(row(id));
      expect(r.getByRole('link', { name: /^Open / })).toBeTruthy();
      expect(r.queryByRole('button')).toBeNull();
      expect(r.queryByRole('link', { name: /Link WhatsApp|Relink/ })).toBeNull();
    }
    expect(screen.getByTestId('read-only-note').textContent).toMatch(/only owners and admins/);
  });

  it('an agent’s empty dashboard offers no Create bot link', async () => {
    renderList('agent');
    const heading = await screen.findByRole('heading', { name: 'No bots yet' });
    expect(within(heading.closest('section')!).queryByRole('link', { name: 'Create bot' })).toBeNull();
    expect(heading.closest('section')!.textContent).toMatch(/Owners and admins create/);
  });

  it('applies bot_status_update live, without another request for the list', async () => {
    bots = [bot({ id: 'b1', name: 'Alpha' }), bot({ id: 'b2', name: 'Beta', status: 'QR_REQUIRED' })];
    await renderLoaded(2);
    const before = listRequests;
    expect(before).toBe(1);

    act(() => {
      publish('workspace:w1', 'bot_status_update', {
        botId: 'b2',
        workspaceId: 'w1',
        name: 'Beta',
        status: 'CONNECTED',
        phoneNumber: '4915112345678',
        displayName: 'Beta Phone',
        stats: {},
        timestamp: new Date().toISOString(),
      });
    });

    await waitFor(() => expect(within(row('b2')).getByTestId('bot-status').textContent).toBe('Connected'));
    const beta = within(row('b2'));
    expect(beta.getByText('+4915112345678')).toBeTruthy();
    expect(beta.getByText('Beta Phone')).toBeTruthy();
    expect(beta.getByTestId('bot-last-connected').textContent).toBe('just now');
    expect(beta.getByRole('button', { name: 'Log out Beta' })).toBeTruthy();
    expect(beta.queryByRole('link', { name: /Link WhatsApp|Relink/ })).toBeNull();
    // The other row is untouched, and screen readers hear about the change.
    expect(within(row('b1')).getByTestId('bot-status').textContent).toBe('Not linked');
    expect(screen.getByTestId('bot-announcement').textContent).toBe('Beta: Connected');

    // Give any stray refetch time to happen before counting.
    await pause(300);
    expect(listRequests).toBe(before);
  });

  it('counts messages over 24 h and adds each pushed new_message to its bot, without another request', async () => {
    bots = [bot({ id: 'b1', name: 'Alpha', status: 'CONNECTED', messagesToday: 1234 }), bot({ id: 'b2', name: 'Beta', messagesToday: 0 })];
    await renderLoaded(2);
    const before = listRequests;
    expect(within(row('b1')).getByTestId('bot-messages-today').textContent).toBe((1234).toLocaleString());
    expect(within(row('b2')).getByTestId('bot-messages-today').textContent).toBe('0');
    const message = (id: string) => ({
      conversationId: 'c1',
      botId: 'b1',
      message: { id, seq: 1, conversationId: 'c1', externalId: null, direction: 'in' as const, type: 'text', body: 'hi', status: 'delivered' as const, author: 'contact' as const, authorUserId: null, error: null, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
      timestamp: new Date().toISOString(),
    });
    act(() => {
      publish('workspace:w1', 'new_message', message('m1'));
      publish('workspace:w1', 'new_message', message('m2'));
    });
    await waitFor(() => expect(within(row('b1')).getByTestId('bot-messages-today').textContent).toBe((1236).toLocaleString()));
    expect(within(row('b2')).getByTestId('bot-messages-today').textContent).toBe('0');
    await pause(300);
    expect(listRequests).toBe(before);
  });

  it('drops a row on bot_deleted, without another request for the list', async () => {
    bots = [bot({ id: 'b1', name: 'Alpha' }), bot({ id: 'b2', name: 'Beta' })];
    await renderLoaded(2);

    act(() => {
      publish('workspace:w1', 'bot_deleted', { botId: 'b1', workspaceId: 'w1', timestamp: new Date().toISOString() });
    });

    await waitFor(() => expect(screen.getAllByTestId('bot-row').map((r) => r.dataset.botId)).toEqual(['b2']));
    await pause(300);
    expect(listRequests).toBe(1);
  });

  it('deletes a bot through the confirm dialog: DELETE, then the row goes without a refetch', async () => {
    bots = [bot({ id: 'b1', name: 'Alpha' }), bot({ id: 'b2', name: 'Beta' })];
    await renderLoaded(2);
    expect(screen.queryByRole('dialog')).toBeNull();

    fireEvent.click(within(row('b1')).getByRole('button', { name: 'Delete Alpha' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete Alpha?' });
    // Cancelling sends nothing.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls).toEqual([]);

    fireEvent.click(within(row('b1')).getByRole('button', { name: 'Delete Alpha' }));
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Delete Alpha?' })).getByRole('button', { name: 'Delete bot' }));

    await waitFor(() => expect(screen.getAllByTestId('bot-row').map((r) => r.dataset.botId)).toEqual(['b2']));
    expect(calls).toEqual(['DELETE /api/v1/bots/b1']);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Focus does not fall to <body> with the removed row.
    await waitFor(() => expect(document.activeElement?.id).toBe('bots-heading'));
    expect(listRequests).toBe(1);
  });

  it('logs a connected bot out through the confirm dialog', async () => {
    bots = [bot({ id: 'b1', name: 'Alpha', status: 'CONNECTED', lastConnectedAt: new Date().toISOString() })];
    await renderLoaded(1);

    fireEvent.click(within(row('b1')).getByRole('button', { name: 'Log out Alpha' }));
    const dialog = await screen.findByRole('dialog', { name: 'Log out Alpha?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log out' }));

    await waitFor(() => expect(calls).toEqual(['POST /api/v1/bots/b1/logout']));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The new status comes over the socket, as the server publishes it.
    act(() => {
      publish('workspace:w1', 'bot_status_update', { botId: 'b1', workspaceId: 'w1', name: 'Alpha', status: 'LOGGED_OUT', stats: {}, timestamp: new Date().toISOString() });
    });
    await waitFor(() => expect(within(row('b1')).getByTestId('bot-status').textContent).toBe('Logged out'));
    expect(within(row('b1')).getByRole('link', { name: 'Relink Alpha' }).getAttribute('href')).toBe('/bots/b1/link');
    expect(within(row('b1')).queryByRole('button', { name: /Log out/ })).toBeNull();
    expect(listRequests).toBe(1);
  });

  it('explains a failed load and retries on demand', async () => {
    failList = true;
    renderList();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The database is down.');

    failList = false;
    bots = [bot({ id: 'b1', name: 'Alpha' })];
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryAllByTestId('bot-row')).toHaveLength(1));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
