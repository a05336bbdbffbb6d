'use client';

import { useState, type FormEvent } from 'react';
import { TextField } from '@/components/ui/text-field';
import { phoneNumber } from '@/lib/validation/bot';

/** Phone number for a pairing code, checked with the same rule the server applies. */
export function PairingCodeForm({ onSubmit, onBack }: { onSubmit: (phone: string) => void; onBack: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = phoneNumber.safeParse(value);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message);
      return;
    }
    onSubmit(parsed.data);
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label="Bot’s phone number"
        name="phone"
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        placeholder="+1 555 010 0200"
        hint="With country code. WhatsApp sends the code to link this number."
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={error}
        autoFocus
      />
      <div className="link__actions">
        <button type="submit" className="button">
          Get pairing code
        </button>
        <button type="button" className="button button--ghost" onClick={onBack}>
          Use a QR code instead
        </button>
      </div>
    </form>
  );
}
