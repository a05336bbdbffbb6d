'use client';

import useSWRInfinite from 'swr/infinite';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { formatTime, reasonText } from '@/lib/client/bot-history-format';
import { errorMessage } from '@/lib/errors';
import type { SessionEventView } from '@/lib/services/bots/list-session-events';
import styles from './bot-page.module.css';
import { StatusBadge } from './status-badge';

const HISTORY_PAGE = 20;

type EventsPage = { events: SessionEventView[]; nextBefore: number | null };

/** The bot's session events, newest first, a page at a time; refetched when its status changes. */
export function ConnectionHistory({ botId, refreshInterval }: { botId: string; refreshInterval: number }) {
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
          {errorMessage(error, 'Could not load the connection history.')}{' '}
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
              {errorMessage(error, 'Could not load older events.')}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
