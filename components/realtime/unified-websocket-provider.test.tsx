import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import pino from 'pino';
import { StrictMode, useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
// Raw WebSocket upgrades reaching the http server: what a browser's network panel would count.
let upgrades = 0;

const principal: Principal = { userId: 'u1', sessionId: 's1', via: 'token', memberships: [{ workspaceId: 'w1', role: 'owner' }] };

beforeAll(async () => {
  http = createServer();
  realtime = createRealtimeServer(http, {
    log: pino({ level: 'silent' }),
    authenticate: async ({ token }) => {
      handshakes += 1;
      return token === 'good' ? principal : null;
    },
  });
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
