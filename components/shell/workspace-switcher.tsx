'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { useWorkspaces } from '@/hooks/use-workspace';
import { apiRequest } from '@/lib/api/fetcher';
import { ROLE_LABEL } from '@/lib/auth/roles';
import { errorMessage } from '@/lib/errors';

/**
 * The active workspace's name in the header (live when anyone renames it) and, for a user in
 * several workspaces, a menu to switch. The choice is remembered server-side in a cookie, then the
 * server-rendered layout is refreshed: every view reads the active workspace from it.
 */
export function WorkspaceSwitcher() {
  const state = useWorkspaces();
  const router = useRouter();
  const pathname = usePathname();
  const [renamed, setRenamed] = useState<Record<string, string>>({});
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useSocketEvent('workspace_updated', (p) => setRenamed((r) => ({ ...r, [p.workspaceId]: p.name })));

  // A click anywhere else closes the menu.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  // Opening moves focus to the active workspace's item (WAI-ARIA menu button pattern).
  useEffect(() => {
    if (!open) return;
    const items = menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitemradio"]');
    const checked = menuRef.current?.querySelector<HTMLButtonElement>('[aria-checked="true"]');
    (checked ?? items?.[0])?.focus();
  }, [open]);

  const active = state?.active;
  if (!state || !active) return null;
  const nameOf = (w: { id: string; name: string }) => renamed[w.id] ?? w.name;

  if (state.workspaces.length < 2) {
    return (
      <span className="shell__workspace" data-testid="workspace-name">
        {nameOf(active)}
      </span>
    );
  }

  async function choose(workspaceId: string) {
    if (workspaceId === active?.id) {
      setOpen(false);
      buttonRef.current?.focus();
      return;
    }
    setPending(workspaceId);
    setError(null);
    try {
      await apiRequest('POST', `/api/v1/workspaces/${workspaceId}/select`);
      setOpen(false);
      // A conversation or bot of the previous workspace does not belong on screen any more.
      if (pathname.startsWith('/inbox/')) router.push('/inbox');
      else if (pathname.startsWith('/bots/')) router.push('/dashboard');
      router.refresh();
      buttonRef.current?.focus();
    } catch (err) {
      setError(errorMessage(err, 'Could not switch workspaces. Try again.'));
    } finally {
      setPending(null);
    }
  }

  function onMenuKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    const items = Array.from(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitemradio"]') ?? []);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const move = (i: number) => {
      e.preventDefault();
      items[(i + items.length) % items.length]?.focus();
    };
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      buttonRef.current?.focus();
    } else if (e.key === 'Tab') setOpen(false);
  }

  return (
    <div className="workspace-switcher" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="workspace-switcher__button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span data-testid="workspace-name">{nameOf(active)}</span>
        <span className="visually-hidden"> — switch workspace</span>
        <span aria-hidden="true" className="workspace-switcher__caret">
          ▾
        </span>
      </button>
      {open ? (
        <ul ref={menuRef} id={menuId} role="menu" aria-label="Workspaces" className="workspace-switcher__menu" onKeyDown={onMenuKeyDown}>
          {state.workspaces.map((w) => (
            <li key={w.id} role="none">
              <button
                type="button"
                role="menuitemradio"
                aria-checked={w.id === active.id}
                tabIndex={-1}
                className="workspace-switcher__item"
                disabled={pending !== null}
                onClick={() => void choose(w.id)}
              >
                <span>{nameOf(w)}</span>
                <span className="workspace-switcher__role">{pending === w.id ? 'Switching…' : ROLE_LABEL[w.role]}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <span className="workspace-switcher__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
