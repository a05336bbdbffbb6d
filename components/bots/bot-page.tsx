'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import useSWR from 'swr';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { LIST_POLL_MS, useFallbackInterval } from '@/hooks/use-fallback-interval';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { useRoleIn } from '@/hooks/use-workspace';
import { apiRequest } from '@/lib/api/fetcher';
import { AGENT_BOT_REASON, canManage } from '@/lib/auth/roles';
import { formatTime, reasonText } from '@/lib/client/bot-history-format';
import { AppError, errorMessage } from '@/lib/errors';
import type { SessionSnapshot } from '@/lib/realtime/events';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import type { BotSettings } from '@/lib/validation/bot-settings';
import { BotBehaviourForm } from './bot-behaviour-form';
import { BotDetailsForm } from './bot-details-form';
import { BotNotice } from './bot-notice';
import styles from './bot-page.module.css';
import { ConnectionHistory } from './connection-history';
import { StatusBadge } from './status-badge';

/**
 * /bots/{id}: the bot's WhatsApp link (live), its details and behaviour, and its connection
 * history. Status changes arrive over the tab's socket and patch the cached bot in place
 * (LiveCacheSync in the provider); the page polls only while the socket has been down a while.
 */
export function BotPage({ botId }: { botId: string }) {
  const router = useRouter();
  const key = `/api/v1/bots/${botId}`;
  const [deleted, setDeleted] = useState(false);
  // Our own delete also comes back as `bot_deleted`; the page is leaving then, not "deleted elsewhere".
  const deleting = useRef(false);
  const [dialog, setDialog] = useState<'logout' | 'delete' | null>(null);
  // Logging out removes the button that opened the dialog: hand focus to the heading instead.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusHeadingOnClose = useRef(false);
  useEffect(() => {
    if (dialog || !focusHeadingOnClose.current) return;
    focusHeadingOnClose.current = false;
    headingRef.current?.focus();
  }, [dialog]);
  const refreshInterval = useFallbackInterval(LIST_POLL_MS);
  const { data: bot, error, mutate } = useSWR<BotView>(deleted ? null : key, { refreshInterval });
  // Agents read the bot; owners and admins link, edit and delete it (the API enforces the same).
  const manager = canManage(useRoleIn(bot?.workspaceId));

  useUnifiedWebSocket({
    onConnectionUpdate: (p) => {
      // bot_status_update carries no reason; this event does.
      if (p.botId === botId) void mutate((current) => current && { ...current, statusReason: p.reason ?? null }, { revalidate: false });
    },
    onBotDeleted: (p) => {
      if (p.botId === botId && !deleting.current) setDeleted(true);
    },
  });

  if (deleted) {
    return (
      <BotNotice title="This bot was deleted">
        <p>Someone in your workspace deleted it. Its WhatsApp link and history are gone.</p>
      </BotNotice>
    );
  }

  if (!bot) {
    if (!error) {
      return (
        <p className="muted" role="status">
          Loading bot…
        </p>
      );
    }
    const code = error instanceof AppError ? error.code : 'internal';
    if (code === 'not_found') {
      return (
        <BotNotice title="Bot not found">
          <p>There is no bot at this address. It may have been deleted, or the link is wrong.</p>
        </BotNotice>
      );
    }
    if (code === 'forbidden') {
      return (
        <BotNotice title="You do not have access to this bot">
          <p>{errorMessage(error, 'This bot belongs to a workspace you are not a member of.')}</p>
        </BotNotice>
      );
    }
    return (
      <BotNotice title="Could not load this bot" alert>
        <p>{errorMessage(error, 'Something went wrong. Try again.')}</p>
        <button type="button" className="button button--secondary" onClick={() => void mutate()}>
          Try again
        </button>
      </BotNotice>
    );
  }

  const linked = bot.status === 'CONNECTED' || bot.status === 'RECONNECTING';
  const wasLinked = bot.phoneNumber !== null || bot.lastConnectedAt !== null;
  const relink = wasLinked && (bot.status === 'LOGGED_OUT' || bot.status === 'ERROR' || bot.status === 'DISCONNECTED');
  const showReason = bot.statusReason && bot.status !== 'CONNECTED';

  const cloud = bot.channel === 'cloud_api';

  async function logout() {
    if (cloud) {
      // A Cloud API bot has no device to log out: its credentials are forgotten instead.
      const saved = await apiRequest<BotView>('DELETE', `${key}/cloud-api`);
      focusHeadingOnClose.current = true;
      await mutate(saved, { revalidate: false });
      return;
    }
    const snap = await apiRequest<SessionSnapshot>('POST', `${key}/logout`);
    focusHeadingOnClose.current = true;
    await mutate(
      (current) => current && { ...current, status: snap.status, phoneNumber: snap.phoneNumber ?? null, displayName: snap.displayName ?? null },
      { revalidate: false },
    );
  }

  async function remove() {
    deleting.current = true;
    try {
      await apiRequest('DELETE', key);
    } catch (err) {
      deleting.current = false;
      throw err;
    }
    router.push('/dashboard');
  }

  return (
    <>
      <Link href="/dashboard" className={styles.back}>
        <span aria-hidden="true">← </span>Dashboard
      </Link>
      <div className="page-header">
        <div>
          <div className={styles.title}>
            <h1 ref={headingRef} tabIndex={-1} className={styles.heading}>
              {bot.name}
            </h1>
            <StatusBadge status={bot.status} testId="bot-status" />
          </div>
          {bot.description ? <p>{bot.description}</p> : null}
        </div>
        {manager ? (
          <div className={styles.headerActions}>
            {/* While reconnecting the account is still linked: linking again would replace it. */}
            {cloud ? (
              <Link className={linked ? 'button button--secondary' : 'button'} href={`/bots/${bot.id}/link`}>
                {linked ? 'Cloud API settings' : 'Set up Cloud API'}
              </Link>
            ) : bot.status !== 'CONNECTED' && bot.status !== 'RECONNECTING' ? (
              <Link className="button" href={`/bots/${bot.id}/link`}>
                {relink ? 'Relink WhatsApp' : 'Link WhatsApp'}
              </Link>
            ) : null}
            {linked ? (
              <button type="button" className="button button--secondary" onClick={() => setDialog('logout')}>
                {cloud ? 'Disconnect Cloud API' : 'Log out of WhatsApp'}
              </button>
            ) : null}
            <button type="button" className="button button--danger" onClick={() => setDialog('delete')}>
              Delete bot
            </button>
          </div>
        ) : null}
      </div>

      {manager ? null : (
        <p className="alert alert--success" role="note" data-testid="read-only-note">
          {AGENT_BOT_REASON}
        </p>
      )}

      <section className="card" aria-labelledby="bot-whatsapp">
        <h2 id="bot-whatsapp" className={styles.sectionTitle}>
          WhatsApp
        </h2>
        <dl className="definition">
          {showReason ? (
            <>
              <dt>Last change</dt>
              <dd title={bot.statusReason ?? undefined}>{reasonText(bot.statusReason ?? '')}</dd>
            </>
          ) : null}
          <dt>Phone number</dt>
          <dd>{bot.phoneNumber ? `+${bot.phoneNumber}` : <span className="muted">Not linked</span>}</dd>
          {bot.phoneNumber && bot.displayName ? (
            <>
              <dt>WhatsApp name</dt>
              <dd>{bot.displayName}</dd>
            </>
          ) : null}
          <dt>Last connected</dt>
          <dd>{bot.lastConnectedAt ? <time dateTime={bot.lastConnectedAt}>{formatTime(bot.lastConnectedAt)}</time> : <span className="muted">Never</span>}</dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="bot-details">
        <h2 id="bot-details" className={styles.sectionTitle}>
          Details
        </h2>
        {/* A disabled fieldset disables every control of the form inside it, Save included. */}
        <fieldset className={styles.readOnly} disabled={!manager}>
          <BotDetailsForm
            key={bot.id}
            initial={{ name: bot.name, description: bot.description }}
            save={(details) => apiRequest<BotView>('PATCH', key, details)}
            onSaved={(saved) => void mutate(saved, { revalidate: false })}
            submitLabel="Save details"
            editing
          />
        </fieldset>
      </section>

      <section className="card" aria-labelledby="bot-behaviour">
        <h2 id="bot-behaviour" className={styles.sectionTitle}>
          Behaviour
        </h2>
        <fieldset className={styles.readOnly} disabled={!manager}>
          <BotBehaviourForm
            key={bot.id}
            initial={bot.settings}
            submitLabel="Save behaviour"
            savedMessage="Saved"
            onSubmit={async (settings: BotSettings) => {
              const saved = await apiRequest<BotView>('PATCH', key, { settings });
              await mutate(saved, { revalidate: false });
            }}
          />
        </fieldset>
      </section>

      <ConnectionHistory botId={bot.id} refreshInterval={refreshInterval} />

      <ConfirmDialog
        open={dialog !== null}
        title={dialog === 'delete' ? `Delete ${bot.name}?` : cloud ? 'Disconnect the Cloud API?' : 'Log out of WhatsApp?'}
        confirmLabel={dialog === 'delete' ? 'Delete bot' : cloud ? 'Disconnect' : 'Log out'}
        destructive
        onConfirm={dialog === 'delete' ? remove : logout}
        onClose={() => setDialog(null)}
      >
        {dialog === 'delete' ? (
          <p>This unlinks its WhatsApp account and deletes the bot with its settings and connection history. This cannot be undone.</p>
        ) : cloud ? (
          <p>{bot.name} stops replying and Parley forgets its Meta credentials. Its settings, conversations and history stay.</p>
        ) : (
          <p>{bot.name} stops replying and its WhatsApp device is unlinked. Its settings and history stay: link WhatsApp again with a new QR code at any time.</p>
        )}
      </ConfirmDialog>
    </>
  );
}
