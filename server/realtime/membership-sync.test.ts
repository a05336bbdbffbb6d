import { describe, expect, it, vi } from 'vitest';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { setupTestEnv } from '@/test/setup-env';
import { emitAck, recordEvents } from '@/test/socket-events';
import { openSse } from '@/test/sse-client';
import { setupTeamsFixture } from '@/test/teams-fixture';
import { SSE_PATH } from './sse-handler';

// Membership changes reach live connections at once, through the realtime facade the route
// handlers call: real Socket.IO clients, the real REST routes, the real SSE stream.

setupTestEnv();
const fx = setupTeamsFixture();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for a delivered event to arrive on localhost; a missed one would have by then. */
const SETTLE_MS = 150;

function ping(workspaceId: string, name: string) {
  publish(rooms.workspace(workspaceId), 'workspace_updated', { workspaceId, name, timestamp: nowIso() });
}

describe('membership changes and live connections', () => {
  it('a removed member’s sockets leave the workspace room at once: the next publish does not reach them', async () => {
    const member = await fx.newMember('agent', 'Rémy');
    const [tab1, tab2] = [await fx.dial(member), await fx.dial(member)];
    const got = [recordEvents(tab1), recordEvents(tab2)];
    const teammate = recordEvents(await fx.dial('agent'));
    ping(fx.workspaceId, 'before');
    for (const g of got) await g.waitFor('workspace_updated', (p) => p.name === 'before');

    const res = await fx.call('owner', 'DELETE', `/api/v1/workspaces/${fx.workspaceId}/members/${member.user.id}`);
    expect(res.status).toBe(204);
    // No waiting: the route answered after the sockets had left.
    ping(fx.workspaceId, 'after');
    for (const g of got) {
      const notice = await g.waitFor('membership_changed');
      expect(notice).toEqual({ workspaceId: fx.workspaceId, workspaceName: expect.any(String), role: null, reason: 'removed', timestamp: expect.any(String) });
    }
    await teammate.waitFor('workspace_updated', (p) => p.name === 'after');
    await sleep(SETTLE_MS);
    for (const g of got) expect(g.of('workspace_updated').map((p) => p.name)).toEqual(['before']);
    // Still connected (their own workspace and user room stay): only this workspace is gone.
    expect(tab1.connected && tab2.connected).toBe(true);
    ping(member.workspace.id, 'own');
    await got[0]!.waitFor('workspace_updated', (p) => p.name === 'own');
  });

  it('leaving works the same way', async () => {
    const member = await fx.newMember('agent', 'Lea');
    const got = recordEvents(await fx.dial(member));
    expect((await fx.call(member, 'DELETE', `/api/v1/workspaces/${fx.workspaceId}/members/${member.user.id}`)).status).toBe(204);
    ping(fx.workspaceId, 'after leave');
    expect(await got.waitFor('membership_changed')).toMatchObject({ role: null, reason: 'left' });
    await sleep(SETTLE_MS);
    expect(got.of('workspace_updated')).toEqual([]);
  });

  it('a removed admin watching a session leaves its room, cannot re-subscribe, and their SSE stream ends', async () => {
    const admin = await fx.newMember('admin', 'Ada');
    const botId = await fx.newBot();
    const socket = await fx.dial(admin);
    const got = recordEvents(socket);
    expect(await emitAck(socket, 'subscribe_session', { botId })).toMatchObject({ ok: true });
    const stream = await openSse(`${fx.url}${SSE_PATH}?botId=${botId}`, { cookie: fx.cookie(admin) });
    expect(stream.res.status).toBe(200);
    await stream.waitFor((f) => f.data?.botId === botId);
    const before = fx.hub.clientCount();

    expect((await fx.call('owner', 'DELETE', `/api/v1/workspaces/${fx.workspaceId}/members/${admin.user.id}`)).status).toBe(204);
    publish(rooms.session(botId), 'pairing_code_updated', { botId, sessionId: 's', code: 'ABCD-EFGH', expiresAt: nowIso(), timestamp: nowIso() });
    await got.waitFor('membership_changed');
    await vi.waitFor(() => expect(stream.ended()).toBe(true), { timeout: 2_000, interval: 10 });
    expect(fx.hub.clientCount()).toBe(before - 1);
    await sleep(SETTLE_MS);
    expect(got.of('pairing_code_updated')).toEqual([]);
    expect(await emitAck(socket, 'subscribe_session', { botId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    stream.close();
  });

  it('demoting an admin to agent applies to the open socket at once: no QR room, no session control', async () => {
    const admin = await fx.newMember('admin', 'Dana');
    const botId = await fx.newBot();
    const socket = await fx.dial(admin);
    const got = recordEvents(socket);
    expect(await emitAck(socket, 'subscribe_session', { botId })).toMatchObject({ ok: true });

    expect((await fx.call('owner', 'PATCH', `/api/v1/workspaces/${fx.workspaceId}/members/${admin.user.id}`, { role: 'agent' })).status).toBe(200);
    publish(rooms.session(botId), 'pairing_code_updated', { botId, sessionId: 's', code: 'WXYZ-1234', expiresAt: nowIso(), timestamp: nowIso() });
    ping(fx.workspaceId, 'still here');
    expect(await got.waitFor('membership_changed')).toMatchObject({ role: 'agent', reason: 'role_changed' });
    await got.waitFor('workspace_updated', (p) => p.name === 'still here');
    await sleep(SETTLE_MS);
    expect(got.of('pairing_code_updated')).toEqual([]);
    for (const [event, payload] of [
      ['subscribe_session', { botId }],
      ['trigger_whatsapp_connection', { botId, method: 'qr' }],
      ['disconnect_whatsapp', { botId }],
    ] as const) {
      expect(await emitAck(socket, event, payload), event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }

    // And back: promoted again, the same socket may watch the session.
    expect((await fx.call('owner', 'PATCH', `/api/v1/workspaces/${fx.workspaceId}/members/${admin.user.id}`, { role: 'admin' })).status).toBe(200);
    await got.waitFor('membership_changed', (p) => p.role === 'admin');
    expect(await emitAck(socket, 'subscribe_session', { botId })).toMatchObject({ ok: true });
  });

  it('accepting an invitation joins the user’s open sockets to the workspace without a reconnect', async () => {
    const newcomer = await fx.newMember('agent', 'Noor');
    // Not in the shared workspace yet: take the membership back out, then invite them.
    await fx.call('owner', 'DELETE', `/api/v1/workspaces/${fx.workspaceId}/members/${newcomer.user.id}`);
    const socket = await fx.dial(newcomer);
    const got = recordEvents(socket);
    ping(fx.workspaceId, 'not yet');

    const invite = await fx.call('admin', 'POST', `/api/v1/workspaces/${fx.workspaceId}/invites`, { email: newcomer.user.email, role: 'agent' });
    expect(invite.status).toBe(201);
    const token = (invite.body as { path: string }).path.split('/').pop();
    const accepted = await fx.call(newcomer, 'POST', '/api/v1/invites/accept', { token });
    expect(accepted.status).toBe(200);
    ping(fx.workspaceId, 'welcome');
    expect(await got.waitFor('membership_changed')).toMatchObject({ workspaceId: fx.workspaceId, role: 'agent', reason: 'added' });
    await got.waitFor('workspace_updated', (p) => p.name === 'welcome');
    expect(got.of('workspace_updated').map((p) => p.name)).toEqual(['welcome']);
  });
});
