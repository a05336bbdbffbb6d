'use client';

import { createContext } from 'react';
import type { PushReplay } from '@/lib/client/push-replay';
import type { ConnectionStore } from '@/lib/realtime/connection-store';

// Provided by UnifiedWebSocketProvider; in their own module so consumers inside the provider's
// tree (the cache syncs, hooks) do not import the provider itself.

/** The tab's one connection. */
export const ConnectionStoreContext = createContext<ConnectionStore | null>(null);

/** The tab's recent pushes and read times, for views whose data was still loading (lib/client/push-replay.ts). */
export const PushReplayContext = createContext<PushReplay | null>(null);
