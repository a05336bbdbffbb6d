'use client';

import useSWR from 'swr';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';

interface Outbox {
  received: { to: string; text: string; id: string }[];
}

/**
 * What the simulated contacts received from the bot (auto-replies and agents' messages), as
 * their phones would show it. Refetched when the bot reports a message sent, never polled.
 */
export function ContactInbox({ botId }: { botId: string }) {
  const key = `/api/dev/simulator/bots/${botId}/messages`;
  const { data, mutate } = useSWR<Outbox>(key);
  useUnifiedWebSocket({
    onMessageSync: (e) => {
      if (e.type === 'message_status_updated' && e.payload.botId === botId && e.payload.status === 'sent') void mutate();
    },
  });
  const received = data?.received ?? [];
  return (
    <div>
      <h3 className="field__label">Received by contacts</h3>
      {received.length === 0 ? (
        <p className="muted">Nothing yet. Replies from the bot and from agents appear here.</p>
      ) : (
        <ul className="simulator__sent" aria-label="Received by contacts">
          {received.slice(-20).map((m) => (
            <li key={m.id}>
              <span className="muted">to +{m.to}:</span> {m.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
