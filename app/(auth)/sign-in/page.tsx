import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthPanel } from '@/components/auth/auth-panel';
import { clientAuthConfig } from '@/lib/auth/client-auth-config';
import { safeNextPath } from '@/lib/auth/safe-next-path';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted">Welcome back. Your bots kept working while you were away.</p>
      <AuthPanel auth={clientAuthConfig()} mode="sign-in" next={next} />
      <p className="auth__switch">
        New to Parley? <Link href={next === '/dashboard' ? '/sign-up' : `/sign-up?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </>
  );
}
