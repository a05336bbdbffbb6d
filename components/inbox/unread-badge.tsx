'use client';

import { useInboxTitle } from '@/hooks/use-inbox-title';
import { useUnread } from '@/hooks/use-unread';
import styles from './inbox.module.css';

/** The sidebar's unread count (and the tab title's "(3)"), exact from pushed updates. */
export function UnreadBadge() {
  const { total } = useUnread();
  useInboxTitle(total);
  if (total === 0) return null;
  return (
    <span className={styles.navBadge} data-testid="unread-total" aria-label={`${total} unread`}>
      {total > 99 ? '99+' : total}
    </span>
  );
}
