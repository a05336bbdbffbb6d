import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderSessionContext } from '@/components/auth/provider-session-context';
import { SignOutButton } from './sign-out-button';

const router = { replace: vi.fn(), refresh: vi.fn() };
vi.mock('next/navigation', () => ({ useRouter: () => router }));

const order: string[] = [];
let fetchMock: ReturnType<typeof vi.fn>;
beforeEach(() => {
  order.length = 0;
  router.replace.mockReset();
  fetchMock = vi.fn(async () => {
    order.push('parley');
    return Response.json({ ok: true });
  });
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderWithProvider(signOut: () => Promise<void>) {
  render(
    <ProviderSessionContext.Provider value={{ signOut }}>
      <SignOutButton />
    </ProviderSessionContext.Provider>,
  );
}

describe('SignOutButton with Clerk/Firebase', () => {
  it('ends the Parley session, then the provider sign-in, then goes to sign-in', async () => {
    renderWithProvider(async () => void order.push('provider'));
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/sign-in'));
    expect(order).toEqual(['parley', 'provider']);
  });

  it('still leaves when the provider cannot be reached (Parley already refuses that sign-in)', async () => {
    renderWithProvider(async () => Promise.reject(new Error('offline')));
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/sign-in'));
  });

  it('keeps the provider signed in when Parley’s sign-out failed, and says so', async () => {
    fetchMock.mockResolvedValue(Response.json({ error: { code: 'internal', message: 'down' } }, { status: 500 }));
    const providerSignOut = vi.fn(async () => {});
    renderWithProvider(providerSignOut);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Retry sign out' })).toBeTruthy();
    expect(providerSignOut).not.toHaveBeenCalled();
    expect(router.replace).not.toHaveBeenCalled();
  });
});
