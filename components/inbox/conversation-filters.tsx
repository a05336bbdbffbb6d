'use client';

import { useEffect, useId, useState } from 'react';
import { useBots } from '@/hooks/use-bots';
import type { AssigneeFilter, StatusFilter } from '@/lib/client/inbox-keys';
import { useInboxFilter } from './inbox-filter-provider';
import styles from './inbox.module.css';

const ASSIGNEE: { value: AssigneeFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'me', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
];

const STATUS: { value: StatusFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

/** A search settles before it is sent: one request per pause in typing, not per key. */
const SEARCH_DEBOUNCE_MS = 250;

function Segmented<T extends string>(props: { label: string; options: { value: T; label: string }[]; value: T; onChange(v: T): void }) {
  return (
    <div className={styles.segmented} role="group" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          className={styles.segment}
          aria-pressed={props.value === o.value}
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** Search, mine/unassigned/all, open/resolved/all, and one bot or every bot. */
export function ConversationFilters() {
  const filter = useInboxFilter((s) => s.filter);
  const setAssignee = useInboxFilter((s) => s.setAssignee);
  const setStatus = useInboxFilter((s) => s.setStatus);
  const setBot = useInboxFilter((s) => s.setBot);
  const setQuery = useInboxFilter((s) => s.setQuery);
  const { data } = useBots();
  const bots = data?.bots ?? [];
  const searchId = useId();
  const [text, setText] = useState(filter.q);

  // The store follows the box after a pause; a reset from elsewhere (Clear filters) empties the box.
  useEffect(() => {
    if (text === filter.q) return;
    const timer = setTimeout(() => setQuery(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, filter.q, setQuery]);
  const [lastQ, setLastQ] = useState(filter.q);
  if (lastQ !== filter.q) {
    setLastQ(filter.q);
    if (filter.q === '') setText('');
  }

  return (
    <div className={styles.filters}>
      <label htmlFor={searchId} className="visually-hidden">
        Search conversations
      </label>
      <input
        id={searchId}
        type="search"
        className={`field__input ${styles.search}`}
        placeholder="Search name, number or message"
        value={text}
        maxLength={100}
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && text) {
            e.preventDefault();
            setText('');
            setQuery('');
          }
        }}
      />
      <div className={styles.filterRow}>
        <Segmented label="Assigned to" options={ASSIGNEE} value={filter.assignee} onChange={setAssignee} />
        <Segmented label="Status" options={STATUS} value={filter.status} onChange={setStatus} />
        {bots.length > 1 || filter.botId ? (
          <select
            aria-label="Bot"
            className={`field__input ${styles.botSelect}`}
            value={filter.botId ?? ''}
            onChange={(e) => setBot(e.target.value || null)}
          >
            <option value="">All bots</option>
            {bots.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        ) : null}
      </div>
    </div>
  );
}
