'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import useSWR from 'swr';
import useSWRInfinite from 'swr/infinite';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { applyBotStatus } from '@/hooks/use-bots';
import { LIST_POLL_MS, useFallbackInterval } from '@/hooks/use-fallback-interval';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import { AppError } from '@/lib/errors';
import type { BotStatusUpdatePayload, SessionSnapshot } from '@/lib/realtime/events';
import type { SessionEventView } from '@/lib/services/bots/list-session-events';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { updateBotBody } from '@/lib/validation/bot';
import type { BotSettings } from '@/lib/validation/bot-settings';
import { BotBehaviourForm } from './bot-behaviour-form';
import { BotDetailsFields, type BotDetails } from './bot-details-fields';
import styles from './bot-page.module.css';
import { StatusBadge } from './status-badge';

const HISTORY_PAGE = 20;

type EventsPage = { events: SessionEventView[]; nextBefore: number | null };

// Reasons the engines report (server/whatsapp), in words; "code: explanation" reasons are keyed by code.
const REASON_LABEL: Record<string, string> = {
  paired: 'Phone accepted the link',
  restart_required: 'WhatsApp restarted the session',
  logged_out: 'Logged out from the phone',
  user_logout: 'Logged out from Parley',
  qr_timeout: 'QR code expired before a scan',
  connection_lost: 'Connection lost',
  connection_failed: 'Connection failed',
  connection_replaced: 'Opened on another computer',
  whatsapp_unreachable: 'WhatsApp unreachable',
  whatsapp_version_outdated: 'WhatsApp Web version outdated',
  forbidden: 'WhatsApp refused this account',
  server_restarted: 'Parley restarted',
};

function reasonText(reason: string): string {
  const code = reason.split(':')[0]?.trim() ?? reason;
  return REASON_LABEL[code] ?? reason.replaceAll('_', ' ');
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A pushed status applied to the cached bot (same rules as the dashboard's list). */
function withStatus(bot: BotView, p: BotStatusUpdatePayload): BotView {
  return applyBotStatus({ bots: [bot] }, p)?.bots[0] ?? bot;
}

function messageOf(err: unknown, fallback: string): string {
  return err instanceof AppError ? err.message : fallback;
}

/**
 * /bots/{id}: the bot's WhatsApp link (live), its details and behaviour, and its connection
 * history. Status changes arrive over the tab's socket and patch the cached bot in place; the
 * page polls only while the socket has been down for a while.
 */
export function BotPage({ botId }: { botId: string }) {
  const router = useRouter();
  const key = `/api/v1/bots/${botId}`;
  const [deleted, setDeleted] = useState(false);
  // Our own delete also comes back as `bot_deleted`; the page is leaving then, not "deleted elsewhere".
  const deleting = useRef(false);
  const [dialog, setDialog] = useState<'logout' | 'delete' | null>(null);
  const refreshInterval = useFallbackInterval(LIST_POLL_MS);
  const { data: bot, error, mutate } = useSWR<BotView>(deleted ? null : key, { refreshInterval });

  useUnifiedWebSocket({
    onBotStatusUpdate: (p) => {
      if (p.botId === botId) void mutate((current) => current && withStatus(current, p), { revalidate: false });
    },
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
      <Notice title="This bot was deleted">
        <p>Someone in your workspace deleted it. Its WhatsApp link and history are gone.</p>
      </Notice>
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
        <Notice title="Bot not found">
          <p>There is no bot at this address. It may have been deleted, or the link is wrong.</p>
        </Notice>
      );
    }
    if (code === 'forbidden') {
      return (
        <Notice title="You do not have access to this bot">
          <p>{messageOf(error, 'This bot belongs to a workspace you are not a member of.')}</p>
        </Notice>
      );
    }
    return (
      <Notice title="Could not load this bot" alert>
        <p>{messageOf(error, 'Something went wrong. Try again.')}</p>
        <button type="button" className="button button--secondary" onClick={() => void mutate()}>
          Try again
        </button>
      </Notice>
    );
  }

  const linked = bot.status === 'CONNECTED' || bot.status === 'RECONNECTING';
  const wasLinked = bot.phoneNumber !== null || bot.lastConnectedAt !== null;
  const relink = wasLinked && (bot.status === 'LOGGED_OUT' || bot.status === 'ERROR' || bot.status === 'DISCONNECTED');
  const showReason = bot.statusReason && bot.status !== 'CONNECTED';

  async function logout() {
    const snap = await apiRequest<SessionSnapshot>('POST', `${key}/logout`);
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
            <h1>{bot.name}</h1>
            <StatusBadge status={bot.status} testId="bot-status" />
          </div>
          {bot.description ? <p>{bot.description}</p> : null}
        </div>
        <div className={styles.headerActions}>
          {/* While reconnecting the account is still linked: linking again would replace it. */}
          {bot.status !== 'CONNECTED' && bot.status !== 'RECONNECTING' ? (
            <Link className="button" href={`/bots/${bot.id}/link`}>
              {relink ? 'Relink WhatsApp' : 'Link WhatsApp'}
            </Link>
          ) : null}
          {linked ? (
            <button type="button" className="button button--secondary" onClick={() => setDialog('logout')}>
              Log out of WhatsApp
            </button>
          ) : null}
          <button type="button" className="button button--danger" onClick={() => setDialog('delete')}>
            Delete bot
          </button>
        </div>
      </div>

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
        <DetailsForm key={bot.id} bot={bot} onSaved={(saved) => void mutate(saved, { revalidate: false })} />
      </section>

      <section className="card" aria-labelledby="bot-behaviour">
        <h2 id="bot-behaviour" className={styles.sectionTitle}>
          Behaviour
        </h2>
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
      </section>

      <ConnectionHistory botId={bot.id} refreshInterval={refreshInterval} />

      {/* One dialog for both actions: ConfirmDialog's title id is fixed, so two would collide. */}
      <ConfirmDialog
        open={dialog !== null}
        title={dialog === 'delete' ? `Delete ${bot.name}?` : 'Log out of WhatsApp?'}
        confirmLabel={dialog === 'delete' ? 'Delete bot' : 'Log out'}
        destructive
        onConfirm={dialog === 'delete' ? remove : logout}
        onClose={() => setDialog(null)}
      >
        {dialog === 'delete' ? (
          <p>This unlinks its WhatsApp account and deletes the bot with its settings and connection history. This cannot be undone.</p>
        ) : (
          <p>{bot.name} stops replying and its WhatsApp device is unlinked. Its settings and history stay: link WhatsApp again with a new QR code at any time.</p>
        )}
      </ConfirmDialog>
    </>
  );
}

/** A full-page message (deleted, not found, no access, failed) with the way back. */
function Notice({ title, alert = false, children }: { title: string; alert?: boolean; children: ReactNode }) {
  return (
    <section className="card empty-state" role={alert ? 'alert' : undefined} aria-labelledby="bot-notice">
      <h1 id="bot-notice">{title}</h1>
      {children}
      <p>
        <Link className="button" href="/dashboard">
          Back to dashboard
        </Link>
      </p>
    </section>
  );
}

function DetailsForm({ bot, onSaved }: { bot: BotView; onSaved: (bot: BotView) => void }) {
  const [value, setValue] = useState<BotDetails>({ name: bot.name, description: bot.description });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  function change(next: BotDetails) {
    setErrors((e) => {
      const rest = { ...e };
      if (next.name !== value.name) delete rest.name;
      if (next.description !== value.description) delete rest.description;
      return rest;
    });
    setValue(next);
    setSaved(false);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setFormError(null);
    setSaved(false);
    const parsed = updateBotBody.safeParse(value);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) next[issue.path.join('.')] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const result = await apiRequest<BotView>('PATCH', `/api/v1/bots/${bot.id}`, { name: parsed.data.name, description: parsed.data.description });
      onSaved(result);
      setValue({ name: result.name, description: result.description });
      setSaved(true);
    } catch (err) {
      const byField = fieldErrors(err);
      if (byField.name || byField.description) setErrors(byField);
      else setFormError(messageOf(err, 'Could not save. Try again.'));
    } finally {
      setSaving(false);
    }
  }

  const unchanged = value.name.trim() === bot.name && value.description.trim() === bot.description;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <BotDetailsFields value={value} onChange={change} errors={errors} />
      {formError ? (
        <p className="alert alert--error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className="button" disabled={saving || unchanged}>
          {saving ? 'Saving…' : 'Save details'}
        </button>
        <span role="status" className="muted">
          {saved ? 'Saved' : null}
        </span>
      </div>
    </form>
  );
}

function ConnectionHistory({ botId, refreshInterval }: { botId: string; refreshInterval: number }) {
  const { data, error, size, setSize, mutate, isLoading } = useSWRInfinite<EventsPage>(
    (index, previous: EventsPage | null) => {
      if (previous && previous.nextBefore === null) return null;
      const before = previous ? `&before=${previous.nextBefore}` : '';
      return `/api/v1/bots/${botId}/events?limit=${HISTORY_PAGE}${before}`;
    },
    { refreshInterval },
  );

  // A status change is rare and writes a history row: refetch what is shown.
  useUnifiedWebSocket({
    onConnectionUpdate: (p) => {
      if (p.botId === botId) void mutate();
    },
  });

  const events = data?.flatMap((page) => page.events) ?? [];
  const hasOlder = (data?.at(-1)?.nextBefore ?? null) !== null;
  const loadingOlder = size > (data?.length ?? 0);

  return (
    <section className="card" aria-labelledby="bot-history">
      <h2 id="bot-history" className={styles.sectionTitle}>
        Connection history
      </h2>
      {isLoading ? (
        <p className="muted" role="status">
          Loading connection history…
        </p>
      ) : error && !data ? (
        <div className="alert alert--error" role="alert">
          {messageOf(error, 'Could not load the connection history.')}{' '}
          <button type="button" className="button button--secondary" onClick={() => void mutate()}>
            Try again
          </button>
        </div>
      ) : events.length === 0 ? (
        <p className="muted">No connection events yet</p>
      ) : (
        <>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <caption className="visually-hidden">Connection history, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Phone</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.id}>
                    <td>
                      <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>
                    </td>
                    <td>
                      <StatusBadge status={event.status} />
                    </td>
                    <td title={event.reason ?? undefined}>{event.reason ? reasonText(event.reason) : <span className="muted">—</span>}</td>
                    <td>{event.phoneNumber ? `+${event.phoneNumber}` : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {hasOlder || loadingOlder ? (
            <div className={styles.more}>
              <button type="button" className="button button--secondary" onClick={() => void setSize(size + 1)} disabled={loadingOlder}>
                {loadingOlder ? 'Loading…' : 'Load older'}
              </button>
            </div>
          ) : null}
          {error ? (
            <p className="alert alert--error" role="alert">
              {messageOf(error, 'Could not load older events.')}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
