import type { ClientAuthConfig } from '@/lib/auth/client-auth-config';
import { LazyClerkAuthPanel, LazyFirebaseAuthPanel } from './lazy-provider-components';
import { SignInForm } from './sign-in-form';
import { SignUpForm } from './sign-up-form';

/** The sign-in or sign-up form of the active provider (AUTH_PROVIDER). */
export function AuthPanel({ auth, mode, next }: { auth: ClientAuthConfig; mode: 'sign-in' | 'sign-up'; next: string }) {
  switch (auth.provider) {
    case 'clerk':
      return <LazyClerkAuthPanel publishableKey={auth.publishableKey} mode={mode} next={next} />;
    case 'firebase':
      return <LazyFirebaseAuthPanel config={auth.firebase} google={auth.google} mode={mode} next={next} />;
    default:
      return mode === 'sign-in' ? <SignInForm next={next} /> : <SignUpForm next={next} />;
  }
}
