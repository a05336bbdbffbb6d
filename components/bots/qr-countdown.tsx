'use client';

import { useEffect, useState } from 'react';

function secondsLeft(expiresAt: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
}

/** "Expires in 0:17", ticking each second. Key it by `expiresAt`: `now` is only as fresh as the last tick. */
export function QrCountdown({ expiresAt }: { expiresAt: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(id);
  }, []);
  const left = secondsLeft(expiresAt, now);
  const text = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : 'now';
  return (
    // Not a live region: a screen reader announcing every second would be unbearable.
    <p className="link__countdown" data-testid="qr-countdown" data-seconds={left}>
      {left > 0 ? (
        <>
          Expires in <time dateTime={`PT${left}S`}>{text}</time>
        </>
      ) : (
        'Refreshing…'
      )}
    </p>
  );
}
