'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { STATUS_LABEL } from '@/components/bots/status-badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyIcon } from '@/components/ui/empty-icon';
import { useBots } from '@/hooks/use-bots';
import { useNow } from '@/hooks/use-now';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { useWorkspaces } from '@/hooks/use-workspace';
import { apiRequest } from '@/lib/api/fetcher';
import { AGENT_BOT_REASON, canManage } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { BotRow } from './bot-row';
import styles from './dashboard.module.css';

/** "2 min ago" only needs minute precision; one timer for the whole table. */
const CLOCK_TICK_MS = 30_000;

type PendingAction = { kind: 'logout' | 'delete'; botId: string };


/**
 * The dashboard: every bot with its live WhatsApp status. The list comes from `useBots()`,
 * which patches the SWR cache from `bot_status_update` / `bot_deleted`, so a healthy socket
 * means zero HTTP requests for status here.
 */
export function BotList() {
  const { data, error, mutate } = useBots();
  const workspaces = useWorkspaces();
  // Per bot (its workspace's role): owners and admins manage, agents read.
  const manages = (workspaceId: string) => canManage(workspaces?.workspaces.find((w) => w.id === workspaceId)?.role);
  const activeManager = canManage(workspaces?.active?.role);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusHeadingOnClose = useRef(false);
  const now = useNow(CLOCK_TICK_MS);

  // A second listener on the same socket, only for the screen-reader announcement. Handlers
  // run before the re-render, so `data` is still the list from before this update.
  const { isConnected } = useUnifiedWebSocket({
    onBotStatusUpdate: (p) => {
      const before = data?.bots.find((b) => b.id === p.botId);
      if (before && before.status !== p.status) setAnnouncement(`${p.name}: ${STATUS_LABEL[p.status]}`);
    },
  });

  // The deleted row held the focus; hand it to the list heading once the dialog has closed
  // (parent effects run after the dialog's own close effect).
  useEffect(() => {
    if (pending || !focusHeadingOnClose.current) return;
    focusHeadingOnClose.current = false;
    headingRef.current?.focus();
  }, [pending]);

  if (!data) {
    if (error) {
      return (
        <div className="alert alert--error" role="alert">
          {error instanceof AppError ? error.message : 'Could not load your bots.'}{' '}
          <button type="button" className="button button--secondary" onClick={() => void mutate()}>
            Retry
          </button>
        </div>
      );
    }
    return (
      <p className="muted" role="status">
        Loading bots…
      </p>
    );
  }

  const bots = data.bots;
  // A bot deleted elsewhere while its dialog is open closes the dialog instead of failing.
  const target = pending ? bots.find((b) => b.id === pending.botId) : undefined;

  async function logOut(bot: BotView) {
    await apiRequest('POST', `/api/v1/bots/${bot.id}/logout`);
    // The new status arrives as bot_status_update; without a socket, fetch it once instead.
    if (!isConnected) await mutate();
  }

  async function remove(bot: BotView) {
    await apiRequest('DELETE', `/api/v1/bots/${bot.id}`);
    focusHeadingOnClose.current = true;
    // Other tabs learn it from bot_deleted; this one drops the row now without a refetch.
    await mutate((current) => current && { bots: current.bots.filter((b) => b.id !== bot.id) }, { revalidate: false });
    setAnnouncement(`${bot.name} deleted.`);
  }

  return (
    <>
      {bots.length === 0 ? (
        <section className="card empty-state" aria-labelledby="no-bots">
          <EmptyIcon name="chat" />
          <h2 id="no-bots" ref={headingRef} tabIndex={-1} className={styles.headingTarget}>
            No bots yet
          </h2>
          {activeManager ? (
            <>
              <p>Create a bot, link its WhatsApp account by scanning a QR code, and it starts answering your contacts.</p>
              <Link className="button" href="/bots/new">
                Create bot
              </Link>
            </>
          ) : (
            <p>This workspace has no bots yet. Owners and admins create and link them; you will see them here, live.</p>
          )}
        </section>
      ) : (
        <section aria-labelledby="bots-heading">
          <h2 id="bots-heading" ref={headingRef} tabIndex={-1} className={`visually-hidden ${styles.headingTarget}`}>
            Bots
          </h2>
          {bots.some((b) => !manages(b.workspaceId)) ? (
            <p className="muted" data-testid="read-only-note">
              {AGENT_BOT_REASON}
            </p>
          ) : null}
          <div className={`card ${styles.tableCard}`}>
            <table className={styles.table} aria-labelledby="bots-heading">
              <thead>
                <tr>
                  <th scope="col">Bot</th>
                  <th scope="col">Status</th>
                  <th scope="col">Phone</th>
                  <th scope="col">WhatsApp name</th>
                  <th scope="col">Last connected</th>
                  <th scope="col" className={styles.number}>
                    Messages (24 h)
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {bots.map((bot) => (
                  <BotRow
                    key={bot.id}
                    bot={bot}
                    now={now}
                    messagesToday={bot.messagesToday}
                    canManage={manages(bot.workspaceId)}
                    onLogout={(b) => setPending({ kind: 'logout', botId: b.id })}
                    onDelete={(b) => setPending({ kind: 'delete', botId: b.id })}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <p className="visually-hidden" aria-live="polite" data-testid="bot-announcement">
        {announcement}
      </p>

      <ConfirmDialog
        open={!!target}
        title={target ? (pending?.kind === 'delete' ? `Delete ${target.name}?` : `Log out ${target.name}?`) : ''}
        confirmLabel={pending?.kind === 'delete' ? 'Delete bot' : 'Log out'}
        destructive
        onConfirm={() => {
          if (!target) return;
          return pending?.kind === 'delete' ? remove(target) : logOut(target);
        }}
        onClose={() => setPending(null)}
      >
        {pending?.kind === 'delete' ? (
          <p>The bot, its WhatsApp link and its conversations are removed for everyone in the workspace. This cannot be undone.</p>
        ) : (
          <p>WhatsApp on the phone unlinks this bot and it stops answering until you link it again. The bot and its settings stay.</p>
        )}
      </ConfirmDialog>
    </>
  );
}
