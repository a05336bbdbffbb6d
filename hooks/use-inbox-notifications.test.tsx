import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, cleanup, render, waitFor } from '@testing-library/react';
import pino from 'pino';
import { SWRConfig } from 'swr';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import type { Principal } from '@/lib/auth/principal';
import type { ChatMessage, ConversationUpdatedPayload } from '@/lib/realtime/events';
import { installRealtime, publish } from '@/lib/realtime/publish';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { useInboxNotifications } from './use-inbox-notifications';

// Browser notifications for new contact messages while the tab is hidden: the real provider and
// socket against our realtime server in process; the browser's Notification API is the stand-in.

let http: HttpServer;
let realtime: RealtimeServer;
let url = '';
const principal: Principal = { userId: 'u1', sessionId: 's1', via: 'token', memberships: [{ workspaceId: 'w1', role: 'agent' }] };

const shown: { title: string; body?: string; tag?: string; notification: { onclick: null | (() => void); close(): void } }[] = [];
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  onclick: null | (() => void) = null;
  constructor(title: string, opts: NotificationOptions = {}) {
    shown.push({ title, body: opts.body, tag: opts.tag, notification: this });
  }
  close() {}
}

let hidden = true;
const opened: string[] = [];

beforeAll(async () => {
  http = createServer();
  realtime = createRealtimeServer(http, { log: pino({ level: 'silent' }), authenticate: async ({ token }) => (token === 'good' ? principal : null) });
  installRealtime(realtime.facade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  vi.stubGlobal('Notification', FakeNotification);
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
});

beforeEach(() => {
  shown.length = 0;
  opened.length = 0;
  hidden = true;
  FakeNotification.permission = 'granted';
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

function Notifier() {
  useInboxNotifications((id) => opened.push(id));
  return null;
}

async function renderNotifier() {
  render(
    <SWRConfig value={{ provider: () => new Map() }}>
      <UnifiedWebSocketProvider options={{ url, auth: { token: 'good' } }} fetcher={async () => ({})}>
        <Notifier />
      </UnifiedWebSocketProvider>
    </SWRConfig>,
  );
  await waitFor(() => expect(realtime.facade.connectionCount()).toBe(1));
}

const now = () => new Date().toISOString();
function message(over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `m-${Math.random()}`,
    seq: 1,
    conversationId: 'c1',
    externalId: 'wamid.1',
    direction: 'in',
    type: 'text',
    body: 'Is my order on its way?',
    status: 'delivered',
    author: 'contact',
    authorUserId: null,
    error: null,
    createdAt: now(),
    updatedAt: now(),
    ...over,
  };
}
function updated(name: string): ConversationUpdatedPayload {
  const at = now();
  return {
    conversationId: 'c1',
    botId: 'b1',
    lastMessage: { body: 'x', direction: 'in', author: 'contact', authorUserId: null, at },
    unreadCount: 1,
    botPaused: false,
    status: 'open',
    timestamp: at,
    workspaceId: 'w1',
    contactPhone: '4915100000001',
    contactName: name,
    needsHuman: false,
    lastActivityAt: at,
    updatedAt: at,
  };
}

function arrives(m: ChatMessage, name = 'Nadia') {
  act(() => {
    publish('workspace:w1', 'new_message', { conversationId: m.conversationId, botId: 'b1', message: m, timestamp: now() });
    publish('workspace:w1', 'conversation_updated', updated(name));
  });
}

describe('useInboxNotifications', () => {
  it('notifies a contact’s message while the tab is hidden, titled with the contact, and a click opens the conversation', async () => {
    await renderNotifier();
    arrives(message());
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ title: 'Nadia', body: 'Is my order on its way?', tag: 'parley-c1' });
    shown[0]!.notification.onclick?.();
    expect(opened).toEqual(['c1']);
  });

  it('says what a media message is', async () => {
    await renderNotifier();
    arrives(message({ type: 'image', body: 'the receipt' }));
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]!.body).toBe('📷 Photo: the receipt');
  });

  it('stays quiet while the tab is visible, without permission, and for the bot’s or an agent’s own messages', async () => {
    await renderNotifier();
    hidden = false;
    arrives(message());
    hidden = true;
    arrives(message({ direction: 'out', author: 'bot', body: 'Hi! I am a bot.' }));
    arrives(message({ direction: 'out', author: 'agent', authorUserId: 'u2', body: 'On it.' }));
    FakeNotification.permission = 'denied';
    arrives(message());
    await new Promise((r) => setTimeout(r, 1_300));
    expect(shown).toEqual([]);
  });
});
