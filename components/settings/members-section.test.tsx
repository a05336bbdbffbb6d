import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { and, eq } from 'drizzle-orm';
import { SWRConfig } from 'swr';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as inviteRoute from '@/app/api/v1/workspaces/[workspaceId]/invites/[inviteId]/route';
import * as invitesRoute from '@/app/api/v1/workspaces/[workspaceId]/invites/route';
import * as memberRoute from '@/app/api/v1/workspaces/[workspaceId]/members/[userId]/route';
import * as membersRoute from '@/app/api/v1/workspaces/[workspaceId]/members/route';
import { createEtagFetcher } from '@/lib/api/etag-fetcher';
import { setDbHandle, type DbHandle } from '@/lib/db';
import { memberships, type MembershipRole } from '@/lib/db/schema';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { createRouteServer } from '@/test/route-server';
import { setupTestEnv } from '@/test/setup-env';
import { roleOf } from '@/test/teams-db';
import { openTestDb } from '@/test/test-db';
import { MembersSection } from './members-section';

// Settings → Members as owners, admins and agents use it: the real components against the real
// route handlers and services in process on PGlite.

const nav = vi.hoisted(() => ({ router: { push: vi.fn(), replace: vi.fn(), refresh: vi.fn(), back: vi.fn(), forward: vi.fn(), prefetch: vi.fn() } }));
vi.mock('next/navigation', () => ({ useRouter: () => nav.router, usePathname: () => '/settings' }));

setupTestEnv();
vi.setConfig({ hookTimeout: 60_000, testTimeout: 30_000 });

let handle: DbHandle;
let http: HttpServer;
let base = '';
let cookie = '';
const users: Record<'owner' | 'admin' | 'agent', SignUpResult> = {} as never;
let workspaceId = '';
const realFetch = globalThis.fetch;

beforeAll(async () => {
  ({ handle } = await openTestDb('pglite'));
  setDbHandle(handle);
  const routes = createRouteServer(
    {
      '/api/v1/workspaces/[workspaceId]/members': membersRoute,
      '/api/v1/workspaces/[workspaceId]/members/[userId]': memberRoute,
      '/api/v1/workspaces/[workspaceId]/invites': invitesRoute,
      '/api/v1/workspaces/[workspaceId]/invites/[inviteId]': inviteRoute,
    },
    () => base,
  );
  http = createServer(routes.handle);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  users.owner = await signUp({ email: 'olivia@example.com', password: 'olivia-password', name: 'Olivia' });
  users.admin = await signUp({ email: 'adam@example.com', password: 'adam-password', name: 'Adam' });
  users.agent = await signUp({ email: 'agnes@example.com', password: 'agnes-password', name: 'Agnes' });
  workspaceId = users.owner.workspace.id;
  await handle.db.insert(memberships).values([
    { workspaceId, userId: users.admin.user.id, role: 'admin' },
    { workspaceId, userId: users.agent.user.id, role: 'agent' },
  ]);
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' && input.startsWith('/') ? base + input : input;
    return realFetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } });
  });
  // jsdom has no clipboard: record what would be copied.
  Object.defineProperty(navigator, 'clipboard', { value: { writeText: vi.fn(async () => {}) }, configurable: true });
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await new Promise((r) => http.close(r));
  await handle.close();
});

beforeEach(() => {
  nav.router.push.mockReset();
});
afterEach(() => cleanup());

function renderAs(role: MembershipRole & keyof typeof users) {
  const me = users[role];
  cookie = `parley_session=${me.session.secret}`;
  return render(
    <SWRConfig value={{ provider: () => new Map(), fetcher: createEtagFetcher() }}>
      <MembersSection workspaceId={workspaceId} workspaceName="Olivia’s workspace" myRole={role} meId={me.user.id} />
    </SWRConfig>,
  );
}

const memberRow = async (name: string) => {
  const rows = await screen.findAllByTestId('member-row');
  const hit = rows.find((r) => within(r).queryByRole('rowheader')?.textContent?.startsWith(name));
  if (!hit) throw new Error(`no row for ${name}`);
  return within(hit);
};

describe('MembersSection', () => {
  it('an owner sees every member, may give any role but cannot demote or remove the only owner', async () => {
    renderAs('owner');
    expect(screen.getByText('Loading members…')).toBeTruthy();
    const me = await memberRow('Olivia');
    expect(me.getByTestId('member-role').textContent).toContain('the only owner');
    expect(me.queryByRole('button', { name: 'Leave workspace' })).toBeNull();
    const agnes = await memberRow('Agnes');
    const select = agnes.getByRole('combobox', { name: 'Role of Agnes' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['owner', 'admin', 'agent']);
    expect(select.value).toBe('agent');
  });

  it('changes a role through the select', async () => {
    renderAs('owner');
    const agnes = await memberRow('Agnes');
    fireEvent.change(agnes.getByRole('combobox', { name: 'Role of Agnes' }), { target: { value: 'admin' } });
    await waitFor(async () => expect(await roleOf(handle, workspaceId, users.agent.user.id)).toBe('admin'));
    fireEvent.change(agnes.getByRole('combobox', { name: 'Role of Agnes' }), { target: { value: 'agent' } });
    await waitFor(async () => expect(await roleOf(handle, workspaceId, users.agent.user.id)).toBe('agent'));
  });

  it('a refused change says why beside the row and puts the old role back', async () => {
    renderAs('admin');
    const agnes = await memberRow('Agnes');
    // Meanwhile the owner made Adam an agent: his page still offers the select.
    await handle.db.update(memberships).set({ role: 'agent' }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, users.admin.user.id)));
    try {
      const select = agnes.getByRole('combobox', { name: 'Role of Agnes' }) as HTMLSelectElement;
      fireEvent.change(select, { target: { value: 'admin' } });
      expect((await agnes.findByRole('alert')).textContent).toMatch(/Only workspace owners and admins/);
      await waitFor(() => expect(select.value).toBe('agent'));
      expect(await roleOf(handle, workspaceId, users.agent.user.id)).toBe('agent');
    } finally {
      await handle.db.update(memberships).set({ role: 'admin' }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, users.admin.user.id)));
    }
  });

  it('an admin cannot touch the owner or make owners', async () => {
    renderAs('admin');
    const olivia = await memberRow('Olivia');
    expect(olivia.queryByRole('combobox')).toBeNull();
    expect(olivia.queryByRole('button', { name: /Remove/ })).toBeNull();
    const agnes = await memberRow('Agnes');
    expect(Array.from((agnes.getByRole('combobox', { name: 'Role of Agnes' }) as HTMLSelectElement).options).map((o) => o.value)).toEqual(['admin', 'agent']);
    expect(agnes.getByRole('button', { name: 'Remove Agnes' })).toBeTruthy();
  });

  it('an agent sees the list read-only, can leave, and gets no invite form', async () => {
    renderAs('agent');
    const olivia = await memberRow('Olivia');
    expect(olivia.queryByRole('combobox')).toBeNull();
    const me = await memberRow('Agnes');
    expect(me.getByRole('button', { name: 'Leave workspace' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create invite link' })).toBeNull();
    expect(screen.getByText(/Owners and admins invite people/)).toBeTruthy();
  });

  it('invites by email: shows the link once, copyable, and lists the invite until it is revoked', async () => {
    renderAs('admin');
    expect(await screen.findByText('No pending invitations.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'not-an-email' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }));
    expect(await screen.findByText('Enter a valid email address.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'New.Person@Example.com' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'admin' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }));
    const link = (await screen.findByLabelText('Invitation link for new.person@example.com')) as HTMLInputElement;
    expect(link.value).toMatch(/^http:\/\/localhost(:\d+)?\/invite\/[A-Za-z0-9_-]{43}$/);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(navigator.clipboard.writeText).toHaveBeenCalledWith(link.value));
    expect(await screen.findByText(/^Copied\./)).toBeTruthy();

    const pending = await screen.findByTestId('pending-invite');
    expect(pending.textContent).toContain('new.person@example.com');
    expect(pending.textContent).toContain('Admin');
    expect(pending.textContent).toContain('Invited by Adam');
    fireEvent.click(within(pending).getByRole('button', { name: 'Revoke the invitation for new.person@example.com' }));
    expect(await screen.findByText('No pending invitations.')).toBeTruthy();
  });

  it('removes a member after confirming', async () => {
    const extra = await signUp({ email: 'rita@example.com', password: 'rita-password', name: 'Rita' });
    await handle.db.insert(memberships).values({ workspaceId, userId: extra.user.id, role: 'agent' });
    renderAs('owner');
    const rita = await memberRow('Rita');
    fireEvent.click(rita.getByRole('button', { name: 'Remove Rita' }));
    const dialog = await screen.findByRole('dialog', { hidden: true });
    expect(dialog.textContent).toContain('Rita loses access');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove member', hidden: true }));
    await waitFor(() => expect(screen.queryAllByTestId('member-row').some((r) => r.textContent?.includes('Rita'))).toBe(false));
    expect(await roleOf(handle, workspaceId, extra.user.id)).toBeNull();
  });
});
