'use client';

import { useEffect } from 'react';

const PREFIX = /^\(\d+\) /;

/**
 * "(3) Inbox · Parley" while there are unread messages; the plain title otherwise. Next.js
 * rewrites the title on every navigation, so the prefix is put back whenever the head changes.
 */
export function useInboxTitle(unread: number): void {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(PREFIX, '');
      const wanted = unread > 0 ? `(${unread}) ${base}` : base;
      // Only writes when different, so the observer's own change does not loop.
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = document.title.replace(PREFIX, '');
    };
  }, [unread]);
}
