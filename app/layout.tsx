import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Parley', template: '%s · Parley' },
  description: 'Self-hosted WhatsApp bots: link by QR, watch every bot live, answer conversations in real time.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = { themeColor: '#0f7b5f' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so each gets its own CSP script nonce (server/http/security-headers.ts);
  // a page prerendered at build time (the 404) would carry none and its scripts would be blocked.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
