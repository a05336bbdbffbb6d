'use client';

import { useCallback, useContext } from 'react';
import { useSWRConfig } from 'swr';
import { PushReplayContext } from '@/components/realtime/realtime-contexts';
import { applyPush } from '@/lib/client/inbox-cache';

/**
 * An SWR `onSuccess` helper for inbox keys: once loaded data is in the cache, the pushes
 * published since the server read it are applied to that key alone (lib/client/push-replay.ts).
 * `url`: what the fetcher read (page 0 for lists and threads); `cacheKey`: where SWR keeps it.
 */
export function usePushReplay(): (url: string, cacheKey: string) => void {
  const replay = useContext(PushReplayContext);
  const swr = useSWRConfig();
  return useCallback(
    (url, cacheKey) => {
      if (!replay) return;
      // onSuccess runs just before SWR writes the data into the cache: apply right after it.
      queueMicrotask(() => {
        for (const e of replay.since(url)) applyPush(swr, e, { only: cacheKey });
      });
    },
    [replay, swr],
  );
}
