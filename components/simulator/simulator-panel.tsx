'use client';

import { useState } from 'react';
import { EmptyIcon } from '@/components/ui/empty-icon';
import { useBots } from '@/hooks/use-bots';
import { apiRequest } from '@/lib/api/fetcher';
import { AppError } from '@/lib/errors';
import { SimulatedPhoneCard } from './simulated-phone-card';

export function SimulatorPanel() {
  // The shared live list: status pushes patch it in place, no polling while the socket is up.
  const { data, error, isLoading, mutate } = useBots();
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);

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
