'use client';

import { useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import { TextField } from '@/components/ui/text-field';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { cloudCredentialsBody, type CloudCredentialsInput } from '@/lib/validation/cloud-api';
import { issuesByPath } from '@/lib/validation/issues-by-path';

const EMPTY: CloudCredentialsInput = { phoneNumberId: '', accessToken: '', appSecret: '', verifyToken: '' };
const noSubscribe = () => () => {};

/** A random verify token (what Meta echoes back during the webhook handshake). */
function newVerifyToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

interface CloudApiSetupProps {
  bot: BotView;
  onLinked?(bot: BotView): void;
  /** Buttons beside "Connect" (the wizard's Back). */
  actions?: ReactNode;
}

/**
 * A Cloud API bot's "link" step: the credentials from Meta's developer dashboard, checked against
 * Meta on save (the bot is connected as soon as they work), and the webhook to paste back there.
 * Secrets are write-only: saving again replaces them, nothing is ever shown back.
 */
export function CloudApiSetup({ bot, onLinked, actions }: CloudApiSetupProps) {
  const [value, setValue] = useState<CloudCredentialsInput>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [connected, setConnected] = useState<BotView | null>(null);
  const webhookUrl = useSyncExternalStore(noSubscribe, () => `${window.location.origin}/api/whatsapp/webhook`, () => '/api/whatsapp/webhook');
  const alreadyConnected = bot.status === 'CONNECTED' && !connected;

  const set = (field: keyof CloudCredentialsInput) => (e: { target: { value: string } }) => {
    setValue((v) => ({ ...v, [field]: e.target.value }));
    setErrors((errs) => {
      const rest = { ...errs };
      delete rest[field];
      return rest;
    });
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setFormError(null);
    const parsed = cloudCredentialsBody.safeParse(value);
    if (!parsed.success) {
      setErrors(issuesByPath(parsed.error.issues));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = await apiRequest<BotView>('PUT', `/api/v1/bots/${bot.id}/cloud-api`, parsed.data);
      setConnected(saved);
      setValue(EMPTY);
      onLinked?.(saved);
    } catch (err) {
      const byField = fieldErrors(err);
      if (Object.keys(byField).length > 0) setErrors(byField);
      else setFormError(errorMessage(err, 'Could not save the credentials. Try again.'));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`cloud-${bot.id}`}>
      <h3 id={`cloud-${bot.id}`}>Connect the WhatsApp Business Cloud API</h3>
      {connected ? (
        <p className="alert alert--success" role="status" data-testid="cloud-connected">
          Connected: {connected.name} now answers on {connected.phoneNumber ? `+${connected.phoneNumber}` : 'its number'}
          {connected.displayName ? ` (${connected.displayName})` : ''}.
        </p>
      ) : alreadyConnected ? (
        <p className="muted" role="status">
          Connected to {bot.phoneNumber ? `+${bot.phoneNumber}` : 'a number'}. Saving new credentials replaces the current ones (e.g. a rotated token).
        </p>
      ) : (
        <p className="muted">
          From your app in Meta’s developer dashboard (WhatsApp → API Setup). Parley checks them with Meta before saving, and stores the
          token and secret encrypted.
        </p>
      )}
      <TextField
        label="Phone number ID"
        name="phoneNumberId"
        inputMode="numeric"
        autoComplete="off"
        value={value.phoneNumberId}
        onChange={set('phoneNumberId')}
        error={errors.phoneNumberId}
        hint="The long number under API Setup — not the phone number itself."
      />
      <TextField
        label="Access token"
        name="accessToken"
        type="password"
        autoComplete="off"
        value={value.accessToken}
        onChange={set('accessToken')}
        error={errors.accessToken}
        hint="A permanent system-user token with the whatsapp_business_messaging permission."
      />
      <TextField
        label="App secret"
        name="appSecret"
        type="password"
        autoComplete="off"
        value={value.appSecret}
        onChange={set('appSecret')}
        error={errors.appSecret}
        hint="App settings → Basic. Parley checks every webhook delivery’s signature with it."
      />
      <div className="field">
        <TextField
          label="Verify token"
          name="verifyToken"
          autoComplete="off"
          value={value.verifyToken}
          onChange={set('verifyToken')}
          error={errors.verifyToken}
          hint="Any secret phrase: paste the same one into Meta’s webhook settings."
        />
        <button type="button" className="button button--ghost" onClick={() => setValue((v) => ({ ...v, verifyToken: newVerifyToken() }))}>
          Generate a verify token
        </button>
      </div>
      <div className="field">
        <span className="field__label">Webhook URL for Meta</span>
        <code data-testid="cloud-webhook-url">{webhookUrl}</code>
        <span className="field__hint">Subscribe it to the “messages” field. It must be reachable from the internet over HTTPS.</span>
      </div>
      {formError ? (
        <p className="alert alert--error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className="link__actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Checking with Meta…' : alreadyConnected || connected ? 'Save new credentials' : 'Connect'}
        </button>
        {actions}
      </div>
    </form>
  );
}
