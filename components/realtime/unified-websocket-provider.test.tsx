import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import pino from 'pino';
import { StrictMode, useState } from 'react';
import useSWR, { SWRConfig } from 'swr';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { READ_AT_HEADER } from '@/lib/api/read-at';
import type { Principal } from '@/lib/auth/principal';
import { publish, installRealtime } from '@/lib/realtime/publish';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { ConnectionIndicator } from './connection-indicator';
import { UnifiedWebSocketProvider } from './unified-websocket-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';

// A real in-process Socket.IO server (our own realtime server with a token check standing in
// for the database-backed one) and real socket.io-client connections from the provider.

let http: HttpServer;
let realtime: RealtimeServer;
let url: string;
let handshakes = 0;
/** Server-side handshake delay: a socket slower than the page's first reads. */
let authDelayMs = 0;
/** REST reads of /api/v1/thing, with the server time each was taken. */
let reads: number[] = [];
let joins: number[] = [];
// Raw WebSocket upgrades reaching the http server: what a browser's network panel would count.
let upgrades = 0;

const principal: Principal = { userId: 'u1', sessionId: 's1', via: 'token', memberships: [{ workspaceId: 'w1', role: 'owner' }] };

beforeAll(async () => {
  http = createServer((req, res) => {
    if (req.url !== '/api/v1/thing') return void res.writeHead(404).end();
    const at = Date.now();
    reads.push(at);
    res.writeHead(200, { 'content-type': 'application/json', [READ_AT_HEADER]: String(at) });
    res.end(JSON.stringify({ reads: reads.length }));
  });
  realtime = createRealtimeServer(http, {
    log: pino({ level: 'silent' }),
    authenticate: async ({ token }) => {
      handshakes += 1;
      if (authDelayMs) await new Promise((r) => setTimeout(r, authDelayMs));
      return token === 'good' ? principal : null;
    },
  });
  // When the server told each socket it had joined its rooms (the `connected` event follows the joins).
  realtime.io.on('connection', () => joins.push(Date.now()));
  http.on('upgrade', () => (upgrades += 1));
  installRealtime(realtime.facade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(cleanup);

afterAll(async () => {
  installRealtime(undefined);
  await realtime.close();
});

function WorkspaceListener() {
  const [name, setName] = useState('initial');
  // A new inline handler every render: must not re-subscribe or reconnect.
  useSocketEvent('workspace_updated', (p) => setName(p.name));
  return <span data-testid="name">{name}</span>;
}

function strictTree() {
  return (
    <StrictMode>
      <UnifiedWebSocketProvider options={{ url, auth: { token: 'good' } }}>
        <ConnectionIndicator />
        <WorkspaceListener />
      </UnifiedWebSocketProvider>
    </StrictMode>
  );
}

function renderIndicator(token: string) {
  return render(
    <UnifiedWebSocketProvider options={{ url, auth: { token } }}>
      <ConnectionIndicator />
    </UnifiedWebSocketProvider>,
  );
}

function Thing() {
  const { data } = useSWR<{ reads: number }>('/api/v1/thing');
  return <span data-testid="thing">{data ? `read ${data.reads}` : 'loading'}</span>;
}

describe('first reads and the socket (nothing pushed between them is lost)', () => {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      realFetch(typeof input === 'string' && input.startsWith('/') ? url + input : input, init),
    );
  });
  afterAll(() => {
    vi.unstubAllGlobals();
    authDelayMs = 0;
  });
  afterEach(async () => {
    await waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
  });

  it('waits for the socket to join its rooms before the first read, and reads once', async () => {
    reads = [];
    joins = [];
    authDelayMs = 300;
    const view = render(
      <SWRConfig value={{ provider: () => new Map() }}>
        <UnifiedWebSocketProvider options={{ url, auth: { token: 'good' } }}>
          <Thing />
        </UnifiedWebSocketProvider>
      </SWRConfig>,
    );
    await waitFor(() => expect(screen.getByTestId('thing').textContent).toBe('read 1'));
    await new Promise((r) => setTimeout(r, 300));
    expect(reads).toHaveLength(1);
    expect(joins).toHaveLength(1);
    expect(reads[0]!).toBeGreaterThanOrEqual(joins[0]!);
    view.unmount();
  });

  it('a read the socket was too slow for is taken again once the socket joins', async () => {
    reads = [];
    joins = [];
    authDelayMs = 2_200; // longer than the provider waits before reading without the socket
    const view = render(
      <SWRConfig value={{ provider: () => new Map() }}>
        <UnifiedWebSocketProvider options={{ url, auth: { token: 'good' } }}>
          <Thing />
        </UnifiedWebSocketProvider>
      </SWRConfig>,
    );
    await waitFor(() => expect(screen.getByTestId('thing').textContent).toBe('read 1'), { timeout: 4_000 });
    expect(joins).toHaveLength(0);
    await waitFor(() => expect(screen.getByTestId('thing').textContent).toBe('read 2'), { timeout: 5_000 });
    expect(reads[0]!).toBeLessThan(joins[0]!);
    expect(reads[1]!).toBeGreaterThanOrEqual(joins[0]!);
    view.unmount();
  });
});

describe('UnifiedWebSocketProvider', () => {
  it('opens exactly one connection under StrictMode and shows Live', async () => {
    handshakes = 0;
    upgrades = 0;
    const view = render(strictTree());
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Live'));
    await new Promise((r) => setTimeout(r, 200));
    expect(upgrades).toBe(1);
    expect(handshakes).toBe(1);
    expect(realtime.facade.connectionCount()).toBe(1);

    // Re-rendering with new handlers keeps the same single connection.
    view.rerender(strictTree());
    act(() => {
      publish('workspace:w1', 'workspace_updated', { workspaceId: 'w1', name: 'Renamed live', timestamp: new Date().toISOString() });
    });
    await waitFor(() => expect(screen.getByTestId('name').textContent).toBe('Renamed live'));
    expect(upgrades).toBe(1);
    expect(handshakes).toBe(1);

    view.unmount();
    await waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
  });

  it('shows "Signed out" when the server refuses the credentials', async () => {
    const view = renderIndicator('bad');
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Signed out'));
    expect(screen.getByRole('status').getAttribute('href')).toBe('/sign-in');
    view.unmount();
  });

  it('shows Reconnecting when the server drops the connection, and Live again after it returns', async () => {
    const view = renderIndicator('good');
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Live'));
    act(() => realtime.facade.disconnectRooms('user:u1'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Reconnecting'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Live'), { timeout: 5_000 });
    view.unmount();
  });
});
