import { describe, expect, it } from 'vitest';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { setupTestEnv } from '@/test/setup-env';
import { emitAck, recordEvents } from '@/test/socket-events';
import { openSse } from '@/test/sse-client';
import { ROLE_NAMES, setupTeamsFixture, type Role } from '@/test/teams-fixture';
import { SSE_PATH } from './realtime/sse-handler';

// Every REST action, socket event and the SSE stream, for each role of a workspace (owner, admin,
// agent) and for an outsider (who owns another workspace): the expected status of every cell.
// The real route handlers, services, Socket.IO server and session manager run in process on PGlite.

setupTestEnv();
const fx = setupTeamsFixture();

type Expect = Record<Role, number>;
const ANY_MEMBER = (ok: number, outsider = 404): Expect => ({ owner: ok, admin: ok, agent: ok, outsider });
const MANAGERS = (ok: number, outsider = 404): Expect => ({ owner: ok, admin: ok, agent: 403, outsider });

interface Action {
  name: string;
  expect: Expect;
  run(role: Role): Promise<{ status: number; body: unknown; text: string }>;
}

const W = () => fx.workspaceId;
let sharedBot = '';
let sharedConversation = '';
// Marked CONNECTED (replies can be sent); its session is not live, so linking actions use fresh bots.
const bot = async () => (sharedBot ||= await fx.newBot({ name: 'Support', connected: true }));
const conversation = async () => (sharedConversation ||= (await fx.newConversation(await bot())).conversationId);
const CLOUD = { phoneNumberId: '1234567890', accessToken: 'EAAG'.padEnd(40, 'x'), appSecret: 's'.repeat(32), verifyToken: 'verify-me-please' };
let emails = 0;
const freshEmail = () => `invitee.${++emails}.${Date.now()}@example.com`;

async function inviteToken(email: string): Promise<{ token: string; id: string }> {
  const res = await fx.call('owner', 'POST', `/api/v1/workspaces/${W()}/invites`, { email, role: 'agent' });
  expect(res.status).toBe(201);
  const body = res.body as { path: string; invite: { id: string } };
  return { token: body.path.split('/').pop()!, id: body.invite.id };
}

const ACTIONS: Action[] = [
  // Bots
  { name: 'GET /bots?workspaceId', expect: ANY_MEMBER(200), run: (r) => fx.call(r, 'GET', `/api/v1/bots?workspaceId=${W()}`) },
  { name: 'POST /bots', expect: MANAGERS(201), run: (r) => fx.call(r, 'POST', '/api/v1/bots', { name: 'New bot', workspaceId: W() }) },
  { name: 'GET /bots/{id}', expect: ANY_MEMBER(200, 403), run: async (r) => fx.call(r, 'GET', `/api/v1/bots/${await bot()}`) },
  { name: 'PATCH /bots/{id}', expect: MANAGERS(200, 403), run: async (r) => fx.call(r, 'PATCH', `/api/v1/bots/${await bot()}`, { name: 'Support' }) },
  { name: 'DELETE /bots/{id}', expect: MANAGERS(204, 403), run: async (r) => fx.call(r, 'DELETE', `/api/v1/bots/${await fx.newBot()}`) },
  { name: 'POST /bots/{id}/connect', expect: MANAGERS(202, 403), run: async (r) => fx.call(r, 'POST', `/api/v1/bots/${await fx.newBot()}/connect`, { method: 'qr' }) },
  { name: 'POST /bots/{id}/logout', expect: MANAGERS(200, 403), run: async (r) => fx.call(r, 'POST', `/api/v1/bots/${await fx.newBot()}/logout`) },
  { name: 'GET /bots/{id}/events', expect: ANY_MEMBER(200, 403), run: async (r) => fx.call(r, 'GET', `/api/v1/bots/${await bot()}/events`) },
  // Owners and admins get past authorization to the channel check (a WhatsApp Web bot): 409.
  { name: 'PUT /bots/{id}/cloud-api', expect: MANAGERS(409, 403), run: async (r) => fx.call(r, 'PUT', `/api/v1/bots/${await bot()}/cloud-api`, CLOUD) },
  { name: 'DELETE /bots/{id}/cloud-api', expect: MANAGERS(409, 403), run: async (r) => fx.call(r, 'DELETE', `/api/v1/bots/${await bot()}/cloud-api`) },
  { name: 'GET /whatsapp/session-status/{id}', expect: ANY_MEMBER(200, 403), run: async (r) => fx.call(r, 'GET', `/api/v1/whatsapp/session-status/${await bot()}`) },
  // Conversations: agents answer, so every member may do everything here.
  { name: 'GET /conversations?workspaceId', expect: ANY_MEMBER(200), run: (r) => fx.call(r, 'GET', `/api/v1/conversations?workspaceId=${W()}&status=all`) },
  { name: 'GET /conversations/unread?workspaceId', expect: ANY_MEMBER(200), run: (r) => fx.call(r, 'GET', `/api/v1/conversations/unread?workspaceId=${W()}`) },
  { name: 'GET /conversations/{id}', expect: ANY_MEMBER(200), run: async (r) => fx.call(r, 'GET', `/api/v1/conversations/${await conversation()}`) },
  { name: 'PATCH /conversations/{id}', expect: ANY_MEMBER(200), run: async (r) => fx.call(r, 'PATCH', `/api/v1/conversations/${await conversation()}`, { status: 'open' }) },
  { name: 'POST /conversations/{id}/read', expect: ANY_MEMBER(200), run: async (r) => fx.call(r, 'POST', `/api/v1/conversations/${await conversation()}/read`) },
  { name: 'GET /conversations/{id}/messages', expect: ANY_MEMBER(200), run: async (r) => fx.call(r, 'GET', `/api/v1/conversations/${await conversation()}/messages`) },
  { name: 'POST /conversations/{id}/messages', expect: ANY_MEMBER(201), run: async (r) => fx.call(r, 'POST', `/api/v1/conversations/${await conversation()}/messages`, { text: `hello from ${r}` }) },
  {
    name: 'POST /conversations/{id}/messages/{id}/retry',
    expect: ANY_MEMBER(200),
    run: async (r) => {
      const { conversationId, failedMessageId } = await fx.newConversation(await bot());
      return fx.call(r, 'POST', `/api/v1/conversations/${conversationId}/messages/${failedMessageId}/retry`);
    },
  },
  // Members
  { name: 'GET /workspaces/{id}/members', expect: ANY_MEMBER(200), run: (r) => fx.call(r, 'GET', `/api/v1/workspaces/${W()}/members`) },
  {
    name: 'PATCH /workspaces/{id}/members/{userId}',
    expect: MANAGERS(200),
    run: async (r) => fx.call(r, 'PATCH', `/api/v1/workspaces/${W()}/members/${await fx.newMemberId('agent')}`, { role: 'admin' }),
  },
  {
    name: 'DELETE /workspaces/{id}/members/{userId}',
    expect: MANAGERS(204),
    run: async (r) => fx.call(r, 'DELETE', `/api/v1/workspaces/${W()}/members/${await fx.newMemberId('agent')}`),
  },
  // Invitations
  { name: 'GET /workspaces/{id}/invites', expect: MANAGERS(200), run: (r) => fx.call(r, 'GET', `/api/v1/workspaces/${W()}/invites`) },
  { name: 'POST /workspaces/{id}/invites', expect: MANAGERS(201), run: (r) => fx.call(r, 'POST', `/api/v1/workspaces/${W()}/invites`, { email: freshEmail(), role: 'agent' }) },
  {
    name: 'DELETE /workspaces/{id}/invites/{id}',
    expect: MANAGERS(204),
    run: async (r) => fx.call(r, 'DELETE', `/api/v1/workspaces/${W()}/invites/${(await inviteToken(freshEmail())).id}`),
  },
  // Someone else's invitation: members are already in (409), the outsider is the wrong account (403).
  { name: 'POST /invites/accept (another address)', expect: ANY_MEMBER(409, 403), run: async (r) => fx.call(r, 'POST', '/api/v1/invites/accept', { token: (await inviteToken(freshEmail())).token }) },
  // Workspace settings
  { name: 'PATCH /workspaces/{id}', expect: MANAGERS(200), run: (r) => fx.call(r, 'PATCH', `/api/v1/workspaces/${W()}`, { name: 'Olivia’s workspace' }) },
  { name: 'POST /workspaces/{id}/select', expect: ANY_MEMBER(200), run: (r) => fx.call(r, 'POST', `/api/v1/workspaces/${W()}/select`) },
];

/** What an outsider must never see in an answer about the workspace. */
const SECRETS = ['Olivia', 'Support', 'Lina', 'agnes@example.com', 'adam@example.com'];

describe('REST authorization by role', () => {
  const cells = ACTIONS.flatMap((action) => ROLE_NAMES.map((role) => ({ action, role, status: action.expect[role] })));

  it.each(cells.map((c) => [`${c.action.name} as ${c.role} → ${c.status}`, c] as const))('%s', async (_name, { action, role, status }) => {
    const res = await action.run(role);
    expect(res.status, res.text).toBe(status);
    if (status >= 400) {
      expect(Object.keys(res.body as object)).toEqual(['error']);
      if (role === 'outsider') for (const s of SECRETS) expect(res.text).not.toContain(s);
    }
  });

  it('an unscoped list gives the outsider only their own workspace’s bots and conversations', async () => {
    const own = await fx.newBot({ workspaceId: fx.outsiderWorkspaceId, name: 'Oscar bot' });
    await conversation();
    const bots = await fx.call('outsider', 'GET', '/api/v1/bots');
    expect((bots.body as { bots: { id: string }[] }).bots.map((b) => b.id)).toEqual([own]);
    const convs = await fx.call('outsider', 'GET', '/api/v1/conversations?status=all');
    expect((convs.body as { conversations: unknown[] }).conversations).toEqual([]);
    for (const s of SECRETS.filter((x) => x !== 'Olivia')) expect(bots.text + convs.text).not.toContain(s);
  });

  it('the polling fallback gives QR codes to owners and admins only', async () => {
    const linking = await fx.newBot();
    expect((await fx.call('owner', 'POST', `/api/v1/bots/${linking}/connect`, { method: 'qr' })).status).toBe(202);
    await expect.poll(async () => ((await fx.call('owner', 'GET', `/api/v1/whatsapp/session-status/${linking}`)).body as { qrCode?: string }).qrCode).toBeTruthy();
    for (const role of ['owner', 'admin'] as const) {
      expect((await fx.call(role, 'GET', `/api/v1/whatsapp/session-status/${linking}`)).body).toMatchObject({ status: 'QR_REQUIRED', qrCode: expect.any(String) });
    }
    const agentView = await fx.call('agent', 'GET', `/api/v1/whatsapp/session-status/${linking}`);
    expect(agentView.body).toMatchObject({ status: 'QR_REQUIRED' });
    expect(agentView.body).not.toHaveProperty('qrCode');
    expect(agentView.body).not.toHaveProperty('qrExpiresAt');
  });
});

describe('socket and SSE authorization by role', () => {
  const OK = 'ok';
  const SOCKET_EXPECT: Record<Role, string> = { owner: OK, admin: OK, agent: 'forbidden', outsider: 'forbidden' };
  const events = [
    { event: 'subscribe_session', payload: async () => ({ botId: await bot() }) },
    { event: 'trigger_whatsapp_connection', payload: async () => ({ botId: await fx.newBot(), method: 'qr' }) },
    { event: 'disconnect_whatsapp', payload: async () => ({ botId: await fx.newBot() }) },
  ];
  const cells = events.flatMap((e) => ROLE_NAMES.map((role) => ({ ...e, role, expected: SOCKET_EXPECT[role] })));

  it.each(cells.map((c) => [`${c.event} as ${c.role} → ${c.expected}`, c] as const))('%s', async (_name, { event, payload, role, expected }) => {
    const socket = await fx.dial(role);
    const res = await emitAck(socket, event, await payload());
    if (expected === OK) expect(res).toMatchObject({ ok: true });
    else expect(res).toMatchObject({ ok: false, error: { code: expected } });
  });

  it.each([
    ['owner', 200],
    ['admin', 200],
    ['agent', 403],
    ['outsider', 403],
  ] as const)('SSE connection-events as %s → %i', async (role, status) => {
    const stream = await openSse(`${fx.url}${SSE_PATH}?botId=${await bot()}`, { cookie: fx.cookie(role) });
    try {
      expect(stream.res.status).toBe(status);
      if (status === 200) await stream.waitFor((f) => f.data?.botId === sharedBot);
    } finally {
      stream.close();
    }
  });

  it('workspace events reach the three members’ sockets and not the outsider’s', async () => {
    const recorded = await Promise.all(ROLE_NAMES.map(async (role) => ({ role, got: recordEvents(await fx.dial(role)) })));
    publish(rooms.workspace(W()), 'workspace_updated', { workspaceId: W(), name: 'Olivia’s workspace', timestamp: nowIso() });
    for (const { role, got } of recorded.filter((r) => r.role !== 'outsider')) {
      await got.waitFor('workspace_updated', (p) => p.workspaceId === W()).catch(() => {
        throw new Error(`${role} did not get the workspace event`);
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(recorded.find((r) => r.role === 'outsider')!.got.of('workspace_updated')).toEqual([]);
  });
});
