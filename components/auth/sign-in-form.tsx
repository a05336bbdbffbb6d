'use client';

import { TextField } from '@/components/ui/text-field';
import { useAuthForm } from '@/hooks/use-auth-form';
import { apiRequest } from '@/lib/api/fetcher';
import { signInBody, type SignInInput } from '@/lib/validation/auth';

const postToParley = (values: SignInInput) => apiRequest('POST', '/api/v1/auth/sign-in', values);

/** `submit` defaults to Parley's own password endpoint; Firebase passes its own sign-in. */
export function SignInForm({ next, submit = postToParley }: { next: string; submit?: (values: SignInInput) => Promise<unknown> }) {
  const { errors, formError, pending, onSubmit } = useAuthForm({ schema: signInBody, submit, next });
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-describedby={formError ? 'sign-in-error' : undefined}>
      {formError ? (
        <div id="sign-in-error" className="alert alert--error" role="alert">
          {formError}
        </div>
      ) : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" autoFocus required error={errors.email} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
      <button className="button button--block" type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
