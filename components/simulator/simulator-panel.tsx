'use client';

import { useState } from 'react';
import useSWR from 'swr';
import { EmptyIcon } from '@/components/ui/empty-icon';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { apiRequest, fetcher } from '@/lib/api/fetcher';
import { AppError } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { SimulatedPhoneCard } from './simulated-phone-card';

type BotsResponse = { bots: BotView[] };

export function SimulatorPanel() {
  const { data, error, isLoading, mutate } = useSWR<BotsResponse>('/api/v1/bots', fetcher);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);

  // Live status from the workspace room: no polling while the socket is up.
  useSocketEvent('bot_status_update', (update) => {
    // A bot created elsewhere: fetch the list once.
    if (!data?.bots.some((b) => b.id === update.botId)) {
      void mutate();
      return;
    }
    void mutate(
      (current) =>
        current && {
          bots: current.bots.map((b) =>
            b.id === update.botId
              ? { ...b, name: update.name, status: update.status, phoneNumber: update.phoneNumber ?? null, displayName: update.displayName ?? null }
              : b,
          ),
        },
      { revalidate: false },
    );
  });

  async function createTestBot() {
    setCreating(true);
    setCreateError(null);
    try {
      await apiRequest('POST', '/api/v1/bots', { name: `Test bot ${new Date().toLocaleTimeString()}` });
      await mutate();
    } catch (err) {
      setCreateError(err instanceof AppError ? err.message : 'Could not create a bot. Try again.');
    } finally {
      setCreating(false);
    }
  }

  if (isLoading) {
    return (
      <p className="muted" role="status">
        Loading bots…
      </p>
    );
  }
  if (error) {
    return (
      <div className="alert alert--error" role="alert">
        {error instanceof AppError ? error.message : 'Could not load bots.'}{' '}
        <button type="button" className="button button--secondary" onClick={() => void mutate()}>
          Retry
        </button>
      </div>
    );
  }

  const bots = data?.bots.filter((b) => b.channel === 'whatsapp_web') ?? [];
  return (
    <div className="simulator">
      {bots.length === 0 ? (
        <section className="card empty-state" aria-labelledby="sim-no-bots">
          <EmptyIcon name="chat" />
          <h2 id="sim-no-bots">No WhatsApp Web bots</h2>
          <p>The simulator links bots that connect by QR code. Create a test bot to try it.</p>
          <button type="button" className="button" onClick={() => void createTestBot()} disabled={creating}>
            {creating ? 'Creating…' : 'Create a test bot'}
          </button>
          {createError ? (
            <p className="field__error" role="alert">
              {createError}
            </p>
          ) : null}
        </section>
      ) : (
        bots.map((bot) => <SimulatedPhoneCard key={bot.id} bot={bot} />)
      )}
    </div>
  );
}
