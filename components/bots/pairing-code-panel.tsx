'use client';

import { useLinkSession } from './link-session-provider';

/** The 8-character code the user types on the phone instead of scanning. */
export function PairingCodePanel() {
  const code = useLinkSession((s) => s.pairingCode);
  const pretty = code && code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
  return (
    <div className="link__pairing">
      {pretty ? (
        <p className="link__pairing-code" data-testid="pairing-code" aria-label={`Pairing code ${code?.split('').join(' ')}`}>
          {pretty}
        </p>
      ) : (
        <p role="status">Asking WhatsApp for a pairing code…</p>
      )}
      <ol className="link__steps">
        <li>Open WhatsApp on the bot’s phone, then Linked devices → Link a device.</li>
        <li>
          Tap <strong>Link with phone number instead</strong>.
        </li>
        <li>Enter this code on the phone.</li>
      </ol>
    </div>
  );
}
