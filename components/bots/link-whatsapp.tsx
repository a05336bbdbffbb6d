'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLinkSessionSync } from '@/hooks/use-link-session-sync';
import { LinkSessionProvider, useLinkSession } from './link-session-provider';
import { LinkedRedirect } from './linked-redirect';
import { PairingCodeForm } from './pairing-code-form';
import { PairingCodePanel } from './pairing-code-panel';
import { QrPanel } from './qr-panel';

export interface LinkedInfo {
  botId: string;
  phoneNumber: string | null;
  displayName: string | null;
}

interface LinkWhatsAppProps {
  botId: string;
  /** Called once, the instant the phone is linked. */
  onLinked?: (info: LinkedInfo) => void;
  /** Shown as a secondary action while nothing is on screen (e.g. "Back", "Skip for now"). */
  secondary?: { label: string; onClick: () => void };
  /** Extra actions beside "Open bot now" on success (the wizard offers "Create another bot"). */
  successExtra?: ReactNode;
}

/** Step 3 of the wizard and the bot page's "Link WhatsApp": QR or pairing code, live. */
export function LinkWhatsApp(props: LinkWhatsAppProps) {
  return (
    <LinkSessionProvider key={props.botId} botId={props.botId}>
      <LinkWhatsAppFlow {...props} />
    </LinkSessionProvider>
  );
}

function LinkWhatsAppFlow({ onLinked, secondary, successExtra }: LinkWhatsAppProps) {
  const { start, cancel } = useLinkSessionSync();
  const phase = useLinkSession((s) => s.phase);
  const method = useLinkSession((s) => s.method);
  const error = useLinkSession((s) => s.error);
  const botId = useLinkSession((s) => s.botId);
  const phoneNumber = useLinkSession((s) => s.phoneNumber);
  const displayName = useLinkSession((s) => s.displayName);
  const [askPhone, setAskPhone] = useState(false);
  const [lastPhone, setLastPhone] = useState<string | undefined>();
  const headingRef = useRef<HTMLHeadingElement>(null);

  const linkedRef = useRef(onLinked);
  useEffect(() => {
    linkedRef.current = onLinked;
  });
  useEffect(() => {
    if (phase === 'connected') linkedRef.current?.({ botId, phoneNumber, displayName });
  }, [phase, botId, phoneNumber, displayName]);

  // Move focus to the new state's heading so keyboard and screen-reader users follow along.
  useEffect(() => {
    if (phase === 'failed' || phase === 'expired') headingRef.current?.focus();
  }, [phase]);

  const retry = () => void start(method, method === 'pairing_code' ? lastPhone : undefined);
  const secondaryButton = secondary ? (
    <button type="button" className="button button--ghost" onClick={secondary.onClick}>
      {secondary.label}
    </button>
  ) : null;

  if (phase === 'connected') {
    return <LinkedRedirect botId={botId} phoneNumber={phoneNumber} displayName={displayName} extra={successExtra} />;
  }

  if (phase === 'expired' || phase === 'failed') {
    return (
      <section className="link" aria-labelledby="link-problem">
        <h2 id="link-problem" ref={headingRef} tabIndex={-1}>
          {phase === 'expired' ? 'The QR code expired' : 'Linking failed'}
        </h2>
        <p className={phase === 'failed' ? 'alert alert--error' : 'muted'} role="alert" data-error-code={error?.code}>
          {error?.message}
        </p>
        <div className="link__actions">
          <button type="button" className="button" onClick={retry} autoFocus>
            {phase === 'expired' ? 'Generate new QR' : 'Try again'}
          </button>
          {secondaryButton}
        </div>
      </section>
    );
  }

  if (phase === 'idle') {
    return (
      <section className="link" aria-labelledby="link-start">
        <h2 id="link-start">Link WhatsApp</h2>
        {askPhone ? (
          <PairingCodeForm
            onSubmit={(phone) => {
              setLastPhone(phone);
              void start('pairing_code', phone);
            }}
            onBack={() => setAskPhone(false)}
          />
        ) : (
          <>
            <p className="muted">Scan a QR code with the phone that runs this bot’s WhatsApp account.</p>
            <div className="link__actions">
              <button type="button" className="button" onClick={() => void start('qr')}>
                Show QR code
              </button>
              <button type="button" className="button button--secondary" onClick={() => setAskPhone(true)}>
                Use phone number instead
              </button>
              {secondaryButton}
            </div>
          </>
        )}
      </section>
    );
  }

  // starting | qr | pairing | paired: something is (about to be) on screen and we are watching.
  return (
    <section className="link" aria-labelledby="link-live" aria-busy={phase === 'starting' || phase === 'paired'}>
      <h2 id="link-live">{method === 'pairing_code' ? 'Enter the code on your phone' : 'Scan the QR code'}</h2>
      {phase === 'paired' ? (
        <p className="alert alert--success" role="status" data-testid="link-paired">
          Phone linked — finishing up…
        </p>
      ) : method === 'pairing_code' ? (
        <PairingCodePanel />
      ) : (
        <QrPanel />
      )}
      {error ? (
        // WhatsApp is being retried in the background; say why, and let the user start over now.
        <p className="alert alert--error" role="alert" data-error-code={error.code}>
          {error.message}
        </p>
      ) : null}
      <div className="link__actions">
        {error ? (
          <button type="button" className="button" onClick={retry}>
            Try again
          </button>
        ) : null}
        <button type="button" className="button button--ghost" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    </section>
  );
}
