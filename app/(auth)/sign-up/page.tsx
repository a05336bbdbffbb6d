import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthPanel } from '@/components/auth/auth-panel';
import { clientAuthConfig } from '@/lib/auth/client-auth-config';
import { safeNextPath } from '@/lib/auth/safe-next-path';

export const metadata: Metadata = { title: 'Create your account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  return (
    <>
      <h1>Create your account</h1>
      <p className="muted">You get a personal workspace for your bots; invite your team later.</p>
      <AuthPanel auth={clientAuthConfig()} mode="sign-up" next={next} />
      <p className="auth__switch">
        Already have an account? <Link href={next === '/dashboard' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </>
  );
}
