'use client';

import { QRCodeSVG } from 'qrcode.react';
import { useLinkSession } from './link-session-provider';
import { QrCountdown } from './qr-countdown';

/**
 * The QR, drawn in the browser from WhatsApp's raw ref string (never an image from a server:
 * nothing to cache, nothing to leak). A new string re-renders it at once.
 */
export function QrPanel() {
  const qrCode = useLinkSession((s) => s.qrCode);
  const expiresAt = useLinkSession((s) => s.qrExpiresAt);
  const attempt = useLinkSession((s) => s.attempt);
  // A connection_error already explains itself beside the buttons.
  const reconnecting = useLinkSession((s) => s.reconnecting && !s.error);

  return (
    <div className="link__qr-layout">
      <figure className="link__qr" data-testid="qr-code" data-attempt={attempt}>
        {qrCode ? (
          <QRCodeSVG value={qrCode} size={264} level="L" marginSize={4} role="img" aria-label="WhatsApp QR code" title="WhatsApp QR code" />
        ) : (
          <div className="link__qr-placeholder" role="status">
            Getting a QR code from WhatsApp…
          </div>
        )}
        {/* Keyed by expiry: a rotated QR starts a fresh countdown from now, not from the last tick. */}
        {expiresAt && qrCode ? <QrCountdown key={expiresAt} expiresAt={expiresAt} /> : null}
      </figure>
      <ol className="link__steps">
        <li>Open WhatsApp on the bot’s phone.</li>
        <li>
          Tap <strong>Menu</strong> or <strong>Settings</strong>, then <strong>Linked devices</strong>.
        </li>
        <li>
          Tap <strong>Link a device</strong> and point the phone at this code.
        </li>
      </ol>
      {reconnecting ? (
        <p className="alert" role="status">
          Connection to WhatsApp dropped; reconnecting…
        </p>
      ) : null}
    </div>
  );
}
