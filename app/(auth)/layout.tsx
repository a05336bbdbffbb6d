import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentPrincipal } from '@/lib/auth/current-principal';

export default async function AuthLayout({ children }: { children: ReactNode }) {
  if (await currentPrincipal()) redirect('/dashboard');
  return (
    <main className="auth">
      <div className="auth__card">
        <Link href="/" className="auth__brand">
          <span className="brand-mark" aria-hidden="true">P</span> Parley
        </Link>
        {children}
      </div>
    </main>
  );
}
