'use client';

import { useEffect, useState } from 'react';

/** A shared clock for relative times ("2 min ago"): one timer per view, not one per row. */
export function useNow(tickMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}
