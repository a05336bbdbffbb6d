import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { SWRConfig } from 'swr';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { authenticate } from '@/lib/auth/authenticate';
import { signAccessToken } from '@/lib/auth/tokens';
import { getDb, setDbHandle, type DbHandle } from '@/lib/db';
import { bots, conversations, memberships } from '@/lib/db/schema';
import { installMessagingControl } from '@/lib/messaging/messaging-control';
import { installRealtime } from '@/lib/realtime/publish';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { publishBotStatus } from '@/lib/services/bots/publish-bot';
import { ingestInbound } from '@/lib/services/conversations/ingest-inbound';
import { createMessaging, type Messaging } from '@/server/messaging/create-messaging';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { APP_ROUTES } from '@/test/app-routes';
import { createRouteServer, type RouteServer } from '@/test/route-server';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb } from '@/test/test-db';
import { ConversationThread } from './conversation-thread';
import { InboxShell } from './inbox-shell';
import { NoConversationSelected } from './no-conversation-selected';
import { UnreadBadge } from './unread-badge';

// The inbox as an agent uses it: the real components, hooks, SWR cache sync and socket, against
// the real route handlers, services and realtime server in process on PGlite. Only WhatsApp is
// replaced, at its edge: the send queue's `sendWeb` answers like a phone that accepted the text.

const nav = vi.hoisted(() => ({
  params: {} as { conversationId?: string },
  router: { push: vi.fn(), replace: vi.fn(), refresh: vi.fn(), back: vi.fn(), forward: vi.fn(), prefetch: vi.fn() },
}));
vi.mock('next/navigation', () => ({ useParams: () => nav.params, useRouter: () => nav.router, usePathname: () => '/inbox' }));

setupTestEnv({ SEND_MIN_INTERVAL_MS: '0' });
vi.setConfig({ hookTimeout: 60_000, testTimeout: 30_000 });

let handle: DbHandle;
let http: HttpServer;
let realtime: RealtimeServer;
let routes: RouteServer;
let messaging: Messaging;
let base = '';
let alice: SignUpResult;
let bob: SignUpResult;
let botId = '';
let workspaceId = '';
let phoneCounter = 0;
const sent: { to: string; text: string }[] = [];
let sendFails = false;

const realFetch = globalThis.fetch;
let cookie = '';

beforeAll(async () => {
  ({ handle } = await openTestDb('pglite'));
  setDbHandle(handle);
  routes = createRouteServer(
    APP_ROUTES,
    () => base,
  );
  http = createServer(routes.handle);
  realtime = createRealtimeServer(http, { authenticate, log: pino({ level: 'silent' }) });
  installRealtime(realtime.facade);
  messaging = createMessaging({
    config: { SEND_MIN_INTERVAL_MS: 0, SEND_MAX_ATTEMPTS: 1 },
    log: pino({ level: 'silent' }),
    sendWeb: async (_botId, to, text) => {
      if (sendFails) throw new Error('WhatsApp is unreachable');
      sent.push({ to, text });
      return { externalId: `wamid.out.${sent.length}` };
    },
  });
  installMessagingControl(messaging.control);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  alice = await signUp({ email: 'alice@example.com', password: 'alice-password', name: 'Alice Agent' });
  bob = await signUp({ email: 'bob@example.com', password: 'bob-password', name: 'Bob Helper' });
  workspaceId = alice.workspace.id;
  const db = await getDb();
  await db.insert(memberships).values({ workspaceId, userId: bob.user.id, role: 'agent' });
  const [bot] = await db.insert(bots).values({ workspaceId, name: 'Acme Support', status: 'CONNECTED', phoneNumber: '15550001111' }).returning();
  botId = bot!.id;

  // The browser's requests: same origin as the page, with the session cookie.
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' && input.startsWith('/') ? base + input : input;
    return realFetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } });
  });
});

afterAll(async () => {
  vi.unstubAllGlobals();
  messaging.queue.stop();
  installMessagingControl(undefined);
  installRealtime(undefined);
  await realtime.close();
  await handle.close();
});

beforeEach(async () => {
  cookie = `parley_session=${alice.session.secret}`;
  nav.params = {};
  sendFails = false;
  sent.length = 0;
  const db = await getDb();
  await db.delete(conversations);
  await db.update(bots).set({ status: 'CONNECTED' }).where(eq(bots.id, botId));
});

afterEach(async () => {
  cleanup();
  await waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
});

const nextPhone = () => `4915100000${String(++phoneCounter).padStart(3, '0')}`;

async function contactWrites(from: string, text: string, name?: string) {
  await ingestInbound({
    bot: { id: botId, workspaceId },
    messages: [{ externalId: `wamid.in.${from}.${Date.now()}.${Math.random()}`, from, contactName: name, type: 'text', body: text, sentAt: new Date() }],
  });
}

async function conversationIdOf(phone: string): Promise<string> {
  const db = await getDb();
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactPhone, phone));
  return row!.id;
}

async function renderInbox(opts: { conversationId?: string; as?: SignUpResult } = {}) {
  const user = opts.as ?? alice;
  cookie = `parley_session=${user.session.secret}`;
  nav.params = opts.conversationId ? { conversationId: opts.conversationId } : {};
  const { token } = await signAccessToken({ userId: user.user.id, sessionId: user.session.id }, { ttlSeconds: 900 });
  const view = render(
    <SWRConfig value={{ provider: () => new Map() }}>
      <UnifiedWebSocketProvider options={{ url: base, auth: { token } }}>
        <UnreadBadge />
        <InboxShell>
          {opts.conversationId ? <ConversationThread conversationId={opts.conversationId} /> : <NoConversationSelected />}
        </InboxShell>
      </UnifiedWebSocketProvider>
    </SWRConfig>,
  );
  await waitFor(() => expect(realtime.facade.connectionCount()).toBeGreaterThan(0));
  return view;
}

/** textContent, for `.toContain` (no DOM matcher library in this project). */
const expectText = (el: Element | null | undefined) => expect(el?.textContent ?? '');

const rows = () => screen.queryAllByTestId('conversation-row');
const rowFor = (label: string) => rows().find((r) => r.textContent?.includes(label));
const reply = () => screen.getByRole('textbox', { name: 'Your reply' });

describe('conversation list', () => {
  it('a new contact appears at the top with its unread count, and the sidebar total follows, without a single request', async () => {
    await contactWrites(nextPhone(), 'First!', 'Older Contact');
    await renderInbox();
    await waitFor(() => expect(rows()).toHaveLength(1));
    await waitFor(() => expectText(screen.getByTestId('unread-total')).toContain('1'));
    const before = routes.requests.length;

    const phone = nextPhone();
    await contactWrites(phone, 'Do you ship to Spain?', 'Lucía');
    await waitFor(() => expect(rows()).toHaveLength(2));
    expectText(rows()[0]).toContain('Lucía');
    expectText(rows()[0]).toContain('Do you ship to Spain?');
    expectText(within(rows()[0]!).getByTestId('unread-count')).toContain('1');
    await contactWrites(phone, 'And to Portugal?');
    await waitFor(() => expectText(within(rows()[0]!).getByTestId('unread-count')).toContain('2'));
    await waitFor(() => expectText(screen.getByTestId('unread-total')).toContain('3'));
    // The older conversation moves down; nothing was fetched to get here.
    expectText(rows()[1]).toContain('Older Contact');
    expect(routes.requests.slice(before)).toEqual([]);
  });

  it('shows an empty state, and a filtered empty state whose "Clear filters" brings the list back', async () => {
    await renderInbox();
    expect(await screen.findByText('No conversations yet')).toBeTruthy();

    await contactWrites(nextPhone(), 'Hello', 'Mina');
    await waitFor(() => expect(rows()).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Mine' }));
    expect(await screen.findByText('No matching conversations')).toBeTruthy();
    expect(routes.requests).toContain('GET /api/v1/conversations');
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rows()).toHaveLength(1));
  });

  it('searches on the server after a pause in typing, and Escape clears the search', async () => {
    await contactWrites(nextPhone(), 'I want a refund', 'Rafael');
    await contactWrites(nextPhone(), 'Where is my parcel?', 'Pia');
    await renderInbox();
    await waitFor(() => expect(rows()).toHaveLength(2));
    const search = screen.getByRole('searchbox', { name: 'Search conversations' });
    fireEvent.change(search, { target: { value: 'refund' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expectText(rows()[0]).toContain('Rafael');
    fireEvent.keyDown(search, { key: 'Escape' });
    await waitFor(() => expect(rows()).toHaveLength(2));
  });

  it('arrow keys move between rows', async () => {
    await contactWrites(nextPhone(), 'one', 'One');
    await contactWrites(nextPhone(), 'two', 'Two');
    await renderInbox();
    await waitFor(() => expect(rows()).toHaveLength(2));
    rows()[0]!.focus();
    fireEvent.keyDown(rows()[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rows()[1]);
    fireEvent.keyDown(rows()[1]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(rows()[0]);
  });
});

describe('thread', () => {
  it('opening a conversation marks it read for the whole workspace: another agent’s badge clears too', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Anyone there?', 'Theo');
    const id = await conversationIdOf(phone);

    // Bob's tab is open on the list first…
    const bobView = await renderInbox({ as: bob });
    await waitFor(() => expectText(screen.getByTestId('unread-total')).toContain('1'));
    // …then Alice opens the conversation in hers.
    const aliceView = await renderInbox({ conversationId: id });
    const log = await screen.findAllByTestId('message-log');
    expectText(log[0]).toContain('Anyone there?');
    await waitFor(() => expect(within(bobView.container).queryByTestId('unread-total')).toBeNull());
    expect(within(aliceView.container).queryByTestId('unread-total')).toBeNull();
    const db = await getDb();
    const [row] = await db.select({ unread: conversations.unreadCount }).from(conversations).where(eq(conversations.id, id));
    expect(row!.unread).toBe(0);
  });

  it('new messages join the open thread live; Enter sends a reply, which pauses the bot and shows its ticks', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Hi, my order is late', 'Noor');
    const id = await conversationIdOf(phone);
    await renderInbox({ conversationId: id });
    const log = await screen.findByTestId('message-log');
    expectText(log).toContain('Hi, my order is late');

    await contactWrites(phone, 'Order 4411');
    await waitFor(() => expectText(log).toContain('Order 4411'));

    fireEvent.change(reply(), { target: { value: 'Sorry about that, checking now.' } });
    fireEvent.keyDown(reply(), { key: 'Enter' });
    expect((reply() as HTMLTextAreaElement).value).toBe('');
    await waitFor(() => expect(sent).toEqual([{ to: phone, text: 'Sorry about that, checking now.' }]));
    const bubble = () => log.querySelector('[data-author="agent"]:not([data-local="true"])');
    await waitFor(() => expect((bubble())?.getAttribute('data-status')).toBe('sent'));
    expectText(bubble()).toContain('You');
    expect(await screen.findByTestId('bot-paused')).toBeTruthy();
    expectText(screen.getByTestId('thread-assignee')).toContain('Assigned to you');

    // The phone reports delivery and then the read receipt: the ticks follow.
    await act(() => messaging.onMessageStatus(botId, 'wamid.out.1', 'delivered'));
    await waitFor(() => expect((bubble())?.getAttribute('data-status')).toBe('delivered'));
    await act(() => messaging.onMessageStatus(botId, 'wamid.out.1', 'read'));
    await waitFor(() => expect(within(bubble() as HTMLElement).getByRole('img', { name: 'Read' })).toBeTruthy());
  });

  it('a message that arrives while the thread is still loading is shown, not lost', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'First message', 'Lea');
    const id = await conversationIdOf(phone);
    // The thread's answer is held on its way to the browser; meanwhile the contact writes again.
    const release = routes.holdNext('GET', `/api/v1/conversations/${id}/messages`);
    await renderInbox({ conversationId: id });
    await waitFor(() => expect(routes.requests).toContain(`GET /api/v1/conversations/${id}/messages`));
    await contactWrites(phone, 'Second message, sent while loading');
    await waitFor(() => expectText(rowFor('Lea')).toContain('Second message'));
    release();
    const log = await screen.findByTestId('message-log');
    await waitFor(() => expectText(log).toContain('Second message, sent while loading'));
    expectText(log).toContain('First message');
  });

  it('Shift+Enter makes a new line; a refused reply comes back into the box with the reason', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Hello?', 'Ivo');
    const id = await conversationIdOf(phone);
    await renderInbox({ conversationId: id });
    await screen.findByTestId('message-log');

    fireEvent.change(reply(), { target: { value: 'Line one' } });
    fireEvent.keyDown(reply(), { key: 'Enter', shiftKey: true });
    expect((reply() as HTMLTextAreaElement).value).toBe('Line one');
    expect(routes.requests).not.toContain(`POST /api/v1/conversations/${id}/messages`);

    // The bot dropped off WhatsApp a moment ago; this tab has not heard yet, the server has.
    await (await getDb()).update(bots).set({ status: 'RECONNECTING' }).where(eq(bots.id, botId));
    fireEvent.keyDown(reply(), { key: 'Enter' });
    expectText(await screen.findByRole('alert')).toContain('Acme Support is not connected to WhatsApp');
    expect((reply() as HTMLTextAreaElement).value).toBe('Line one');
    expect(sent).toEqual([]);
  });

  it('disables the composer with the reason while the bot is not connected, and enables it when it is back', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Hey', 'Uma');
    const id = await conversationIdOf(phone);
    await renderInbox({ conversationId: id });
    await screen.findByTestId('message-log');
    await waitFor(() => expect((reply() as HTMLTextAreaElement).disabled).toBe(false));

    const db = await getDb();
    const [down] = await db.update(bots).set({ status: 'RECONNECTING' }).where(eq(bots.id, botId)).returning();
    act(() => publishBotStatus(down!));
    expectText(await screen.findByTestId('composer-disabled')).toContain('Acme Support is not connected to WhatsApp (reconnecting)');
    expect((reply() as HTMLTextAreaElement).disabled).toBe(true);
    expect((screen.getByRole('link', { name: 'Reconnect' }))?.getAttribute('href')).toBe(`/bots/${botId}/link`);

    const [up] = await db.update(bots).set({ status: 'CONNECTED' }).where(eq(bots.id, botId)).returning();
    act(() => publishBotStatus(up!));
    await waitFor(() => expect((reply() as HTMLTextAreaElement).disabled).toBe(false));
  });

  it('a failed send says so with a retry that sends it again', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Ping', 'Ola');
    const id = await conversationIdOf(phone);
    await renderInbox({ conversationId: id });
    const log = await screen.findByTestId('message-log');

    sendFails = true;
    fireEvent.change(reply(), { target: { value: 'Pong' } });
    fireEvent.keyDown(reply(), { key: 'Enter' });
    const retry = await within(log).findByRole('button', { name: 'retry' });
    expectText(log).toContain('WhatsApp is unreachable');

    sendFails = false;
    fireEvent.click(retry);
    await waitFor(() => expect(sent).toEqual([{ to: phone, text: 'Pong' }]));
    await waitFor(() => expect((log.querySelector('[data-author="agent"]'))?.getAttribute('data-status')).toBe('sent'));
    expect(within(log).queryByRole('button', { name: 'retry' })).toBeNull();
  });

  it('resolve, pause and assign from the header update the list in place; a resolved conversation leaves the Open list', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Thanks, all good', 'Ray');
    const id = await conversationIdOf(phone);
    await renderInbox({ conversationId: id });
    await waitFor(() => expect(rowFor('Ray')).toBeDefined());

    fireEvent.click(await screen.findByRole('button', { name: 'Assign to me' }));
    await waitFor(() => expectText(rowFor('Ray')).toContain('Assigned to you'));
    fireEvent.click(screen.getByRole('button', { name: 'Pause bot' }));
    await waitFor(() => expectText(rowFor('Ray')).toContain('Bot paused'));
    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    await waitFor(() => expect(rowFor('Ray')).toBeUndefined());
    expect(await screen.findByRole('button', { name: 'Reopen' })).toBeTruthy();
  });

  it('a conversation of another workspace is not shown, and says so', async () => {
    const phone = nextPhone();
    await contactWrites(phone, 'Secret text', 'Hidden');
    const id = await conversationIdOf(phone);
    const outsider = await signUp({ email: `out${phoneCounter}@example.com`, password: 'outsider-pass', name: 'Out Sider' });
    await renderInbox({ conversationId: id, as: outsider });
    expect(await screen.findByText('This conversation does not exist, or you no longer have access to it.')).toBeTruthy();
    expectText(document.body).not.toContain('Secret text');
  });
});
