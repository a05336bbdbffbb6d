'use client';

import { useState, type FormEvent } from 'react';
import { TextField } from '@/components/ui/text-field';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import type { SimulatedDisconnect } from '@/lib/whatsapp/session-control';
import { ContactInbox } from './contact-inbox';

const STATUS_LABEL: Record<BotView['status'], string> = {
  DISCONNECTED: 'Not linked',
  STARTING: 'Starting…',
  QR_REQUIRED: 'Waiting for a scan',
  CONNECTED: 'Linked',
  RECONNECTING: 'Reconnecting…',
  LOGGED_OUT: 'Logged out',
  ERROR: 'Error',
};

const DISCONNECTS: { value: SimulatedDisconnect; label: string }[] = [
  { value: 'connection_lost', label: 'Connection lost (reconnects)' },
  { value: 'logged_out', label: 'Logged out from the phone' },
  { value: 'connection_replaced', label: 'Opened on another computer' },
  { value: 'outdated_version', label: 'WhatsApp Web version outdated' },
];

export function SimulatedPhoneCard({ bot }: { bot: BotView }) {
  const base = `/api/dev/simulator/bots/${bot.id}`;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [phone, setPhone] = useState('');
  const [profile, setProfile] = useState('');
  const [from, setFrom] = useState('15550100200');
  const [contact, setContact] = useState('Test Contact');
  const [text, setText] = useState('');
  const [sent, setSent] = useState<{ id: string; text: string }[]>([]);
  const [reason, setReason] = useState<SimulatedDisconnect>('connection_lost');

  async function run(label: string, task: () => Promise<void>) {
    setBusy(label);
    setError(null);
    setFields({});
    try {
      await task();
    } catch (err) {
      const byField = fieldErrors(err);
      setFields(byField);
      // A field error is shown beside its field; only the rest goes in the card's alert.
      if (Object.keys(byField).length === 0) setError(errorMessage(err, 'Something went wrong. Try again.'));
    } finally {
      setBusy(null);
    }
  }

  const startLinking = () => run('connect', () => apiRequest('POST', `/api/v1/bots/${bot.id}/connect`, { method: 'qr' }));
  const scan = (e: FormEvent) => {
    e.preventDefault();
    void run('scan', () =>
      apiRequest('POST', `${base}/scan`, {
        ...(phone.trim() ? { phoneNumber: phone } : {}),
        ...(profile.trim() ? { displayName: profile } : {}),
      }),
    );
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    void run('send', async () => {
      const result = await apiRequest<{ externalId: string }>('POST', `${base}/messages`, { from, name: contact || undefined, text });
      setSent((s) => [...s.slice(-19), { id: result.externalId, text }]);
      setText('');
    });
  };
  const disconnect = () => run('disconnect', () => apiRequest('POST', `${base}/disconnect`, { reason }));

  const headingId = `sim-${bot.id}`;
  return (
    <section className="card simulator__phone" aria-labelledby={headingId} data-bot-id={bot.id}>
      <header className="simulator__head">
        <h2 id={headingId}>{bot.name}</h2>
        <span className={`status-badge status-badge--${bot.status.toLowerCase()}`} data-testid="sim-status">
          {STATUS_LABEL[bot.status]}
        </span>
      </header>
      {bot.phoneNumber ? (
        <p className="muted">
          Linked as +{bot.phoneNumber}
          {bot.displayName ? ` (${bot.displayName})` : ''}
        </p>
      ) : null}

      {bot.status === 'QR_REQUIRED' ? (
        <form className="form" onSubmit={scan} noValidate>
          <TextField label="Phone number (optional)" name="phoneNumber" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} hint="With country code. Empty: a random +1 555 number." error={fields.phoneNumber} />
          <TextField label="Profile name (optional)" name="displayName" value={profile} maxLength={100} onChange={(e) => setProfile(e.target.value)} error={fields.displayName} />
          <div>
            <button className="button" type="submit" disabled={busy !== null}>
              {busy === 'scan' ? 'Scanning…' : 'Scan QR code'}
            </button>
          </div>
        </form>
      ) : null}

      {bot.status === 'CONNECTED' ? (
        <>
          <form className="form" onSubmit={send} noValidate aria-label={`Chat with ${bot.name} as a contact`}>
            <TextField label="From (contact's number)" name="from" inputMode="tel" value={from} onChange={(e) => setFrom(e.target.value)} error={fields.from} />
            <TextField label="Contact name" name="name" value={contact} maxLength={100} onChange={(e) => setContact(e.target.value)} error={fields.name} />
            <TextField label="Message" name="text" value={text} maxLength={4096} onChange={(e) => setText(e.target.value)} error={fields.text} />
            <div>
              <button className="button" type="submit" disabled={busy !== null || text.trim() === ''}>
                {busy === 'send' ? 'Sending…' : 'Send as contact'}
              </button>
            </div>
          </form>
          {sent.length > 0 ? (
            <ul className="simulator__sent" aria-label="Sent messages">
              {sent.map((m) => (
                <li key={m.id}>{m.text}</li>
              ))}
            </ul>
          ) : null}
          <ContactInbox botId={bot.id} />
          <div className="simulator__row">
            <label className="field__label" htmlFor={`${headingId}-reason`}>
              Drop the connection
            </label>
            <select id={`${headingId}-reason`} className="field__input" value={reason} onChange={(e) => setReason(e.target.value as SimulatedDisconnect)}>
              {DISCONNECTS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
            <button type="button" className="button button--secondary" onClick={() => void disconnect()} disabled={busy !== null}>
              {busy === 'disconnect' ? 'Disconnecting…' : 'Disconnect'}
            </button>
          </div>
        </>
      ) : null}

      {bot.status !== 'QR_REQUIRED' && bot.status !== 'CONNECTED' ? (
        <div>
          <p className="muted">{bot.status === 'STARTING' || bot.status === 'RECONNECTING' ? 'Working…' : 'This bot is not waiting for a phone.'}</p>
          {bot.status !== 'STARTING' && bot.status !== 'RECONNECTING' ? (
            <button type="button" className="button" onClick={() => void startLinking()} disabled={busy !== null}>
              {busy === 'connect' ? 'Starting…' : 'Start linking (show a QR code)'}
            </button>
          ) : null}
        </div>
      ) : null}

      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
