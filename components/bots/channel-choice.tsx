'use client';

import type { BotChannel } from '@/lib/db/schema';

const CHOICES: { value: BotChannel; title: string; text: string }[] = [
  { value: 'whatsapp_web', title: 'WhatsApp app (scan a QR code)', text: 'Link a phone’s WhatsApp or WhatsApp Business app, like WhatsApp Web. Quickest to try.' },
  { value: 'cloud_api', title: 'WhatsApp Business Cloud API', text: 'Meta’s official API for business numbers: paste your app’s credentials, no phone needed.' },
];

/** How the new bot reaches WhatsApp; fixed once the bot exists. */
export function ChannelChoice({ value, onChange }: { value: BotChannel; onChange(channel: BotChannel): void }) {
  return (
    <fieldset className="field">
      <legend className="field__label">Connect through</legend>
      {CHOICES.map((c) => (
        <label key={c.value} className="channel-choice">
          <input type="radio" name="channel" value={c.value} checked={value === c.value} onChange={() => onChange(c.value)} />
          <span>
            <strong>{c.title}</strong>
            <span className="field__hint">{c.text}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
