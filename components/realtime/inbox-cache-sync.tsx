'use client';

import { useContext } from 'react';
import { useSWRConfig } from 'swr';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { applyPush } from '@/lib/client/inbox-cache';
import { PushReplayContext } from './realtime-contexts';

/**
 * Applies pushed inbox traffic to the SWR cache whether or not the inbox is mounted: lists move,
 * gain and lose rows, open threads grow and their ticks advance, the unread badge follows. Each
 * event is one cache write and never a refetch; it is also kept for a while, for views whose data
 * was still loading when it arrived (hooks/use-push-replay.ts). Mounted once, in the provider.
 */
export function InboxCacheSync() {
  const swr = useSWRConfig();
  const replay = useContext(PushReplayContext);
  useUnifiedWebSocket({
    onMessageSync: (e) => {
      replay?.record(e);
      applyPush(swr, e);
    },
  });
  return null;
}
