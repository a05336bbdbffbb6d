'use client';

import { TextField } from '@/components/ui/text-field';
import { useAuthForm } from '@/hooks/use-auth-form';
import { signInBody } from '@/lib/validation/auth';

export function SignInForm({ next }: { next: string }) {
  const { errors, formError, pending, onSubmit } = useAuthForm({ schema: signInBody, endpoint: '/api/v1/auth/sign-in', next });
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
