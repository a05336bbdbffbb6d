'use client';

import { useParams } from 'next/navigation';
import type { ReactNode } from 'react';
import { useActiveWorkspaceId } from '@/hooks/use-workspace';
import { ConversationFilters } from './conversation-filters';
import { ConversationList } from './conversation-list';
import { InboxFilterProvider } from './inbox-filter-provider';
import { NotificationToggle } from './notification-toggle';
import styles from './inbox.module.css';

/**
 * The inbox frame, kept mounted while conversations are opened (it is the /inbox layout): the
 * list, its filter and its scroll position survive every click. `children` is the thread pane.
 */
export function InboxShell({ children }: { children: ReactNode }) {
  const { conversationId } = useParams<{ conversationId?: string }>();
  // Another workspace starts with fresh filters (its bots are not this one's).
  const workspaceId = useActiveWorkspaceId();
  return (
    <InboxFilterProvider key={workspaceId ?? 'all'}>
      <div className={styles.inbox} data-pane={conversationId ? 'thread' : 'list'}>
        <div className={styles.header}>
          <h1>Inbox</h1>
          <NotificationToggle />
        </div>
        <div className={styles.panes}>
          <section className={styles.listPane} aria-label="Conversation list">
            <ConversationFilters />
            <ConversationList />
          </section>
          <div className={styles.threadPane}>{children}</div>
        </div>
      </div>
    </InboxFilterProvider>
  );
}
