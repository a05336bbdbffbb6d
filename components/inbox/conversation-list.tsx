'use client';

import { useParams } from 'next/navigation';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { EmptyIcon } from '@/components/ui/empty-icon';
import { useBots } from '@/hooks/use-bots';
import { useConversations } from '@/hooks/use-conversations';
import { useNow } from '@/hooks/use-now';
import { useInboxSession } from '@/hooks/use-inbox-session';
import { isDefaultFilter } from '@/lib/client/inbox-keys';
import { errorMessage } from '@/lib/errors';
import { ConversationRow } from './conversation-row';
import { useInboxFilter } from './inbox-filter-provider';
import styles from './inbox.module.css';

const SKELETON_ROWS = 6;

/**
 * The conversation list for the current filter. It is loaded once; after that every change
 * arrives over the socket and is written into the cached pages (InboxCacheSync), so rows move,
 * appear and update without a request. Arrow keys move between rows; more pages load on scroll.
 */
export function ConversationList() {
  const filter = useInboxFilter((s) => s.filter);
  const reset = useInboxFilter((s) => s.reset);
  const { conversationId } = useParams<{ conversationId?: string }>();
  const { meId } = useInboxSession();
  const { data: botsData } = useBots();
  const list = useConversations(filter);
  const now = useNow();
  const listRef = useRef<HTMLUListElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);

  const botNames = useMemo(() => {
    const bots = botsData?.bots ?? [];
    // Bot names on rows only help when the list mixes bots.
    return bots.length > 1 && !filter.botId ? new Map(bots.map((b) => [b.id, b.name])) : null;
  }, [botsData, filter.botId]);

  const { hasMore, isLoadingMore, loadMore } = list;
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel || !hasMore || isLoadingMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasMore, isLoadingMore, loadMore]);

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const links = Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a[data-conversation-id]') ?? []);
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? links.length - 1 : e.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    e.preventDefault();
    links[next]?.focus();
  }

  if (!list.loaded) {
    if (list.error) {
      return (
        <div className={styles.listState} role="alert">
          <p>{errorMessage(list.error, 'Could not load conversations.')}</p>
          <button type="button" className="button button--secondary" onClick={list.retry}>
            Retry
          </button>
        </div>
      );
    }
    return (
      <div className={styles.listScroll} aria-busy="true">
        <p className="visually-hidden" role="status">
          Loading conversations…
        </p>
        <ul className={styles.skeleton} aria-hidden="true">
          {Array.from({ length: SKELETON_ROWS }, (_, i) => (
            <li key={i} className={styles.skeletonRow}>
              <span className={styles.skeletonLine} />
              <span className={styles.skeletonLine} />
            </li>
          ))}
        </ul>
      </div>
    );
  }

  if (list.conversations.length === 0) {
    const filtered = !isDefaultFilter(filter);
    return (
      <div className={styles.listState}>
        <EmptyIcon name="inbox" />
        <h2>{filtered ? 'No matching conversations' : 'No conversations yet'}</h2>
        <p>
          {filtered
            ? 'Nothing matches these filters.'
            : 'When contacts write to one of your linked bots, their conversations appear here instantly.'}
        </p>
        {filtered ? (
          <button type="button" className="button button--secondary" onClick={reset}>
            Clear filters
          </button>
        ) : null}
      </div>
    );
  }

  return (
    <div className={styles.listScroll}>
      <ul
        ref={listRef}
        className={styles.list}
        aria-label="Conversations"
        aria-busy={list.isValidating && !isLoadingMore}
        onKeyDown={onKeyDown}
        data-testid="conversation-list"
      >
        {list.conversations.map((c) => (
          <ConversationRow
            key={c.id}
            conversation={c}
            active={c.id === conversationId}
            now={now}
            meId={meId}
            botName={botNames?.get(c.botId)}
          />
        ))}
      </ul>
      {hasMore || list.error ? (
        <div className={styles.listFooter} ref={sentinelRef}>
          {list.error ? (
            <p className="alert alert--error" role="alert">
              {errorMessage(list.error, 'Could not load more conversations.')}
            </p>
          ) : null}
          <button type="button" className="button button--secondary" onClick={loadMore} disabled={isLoadingMore}>
            {isLoadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
