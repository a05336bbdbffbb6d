'use client';

import { useEffect } from 'react';

const PREFIX = /^\(\d+\) /;

/**
 * "(3) Inbox · Parley" while there are unread messages; the plain title otherwise. Next.js
 * rewrites the title on every navigation, so the prefix is put back whenever the title's own text
 * changes, and only then: a prefix written by someone else is never fought over (no loops).
 */
export function useInboxTitle(unread: number): void {
  useEffect(() => {
    let lastBase: string | null = null;
    const apply = (force: boolean) => {
      const base = document.title.replace(PREFIX, '');
      if (!force && base === lastBase) return;
      lastBase = base;
      const wanted = unread > 0 ? `(${unread}) ${base}` : base;
      if (document.title !== wanted) document.title = wanted;
    };
    apply(true);
    const observer = new MutationObserver(() => apply(false));
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = document.title.replace(PREFIX, '');
    };
  }, [unread]);
}
