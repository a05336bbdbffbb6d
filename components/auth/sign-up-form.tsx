'use client';

import { TextField } from '@/components/ui/text-field';
import { useAuthForm } from '@/hooks/use-auth-form';
import { apiRequest } from '@/lib/api/fetcher';
import { signUpBody, type SignUpInput } from '@/lib/validation/auth';

const postToParley = (values: SignUpInput) => apiRequest('POST', '/api/v1/auth/sign-up', values);

/** `submit` defaults to Parley's own password endpoint; Firebase passes its own sign-in. */
export function SignUpForm({ next, submit = postToParley }: { next: string; submit?: (values: SignUpInput) => Promise<unknown> }) {
  const { errors, formError, pending, onSubmit } = useAuthForm({ schema: signUpBody, submit, next });
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {formError ? (
        <div className="alert alert--error" role="alert">
          {formError}
        </div>
      ) : null}
      <TextField label="Your name" name="name" autoComplete="name" autoFocus required maxLength={100} error={errors.name} />
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters."
        error={errors.password}
      />
      <button className="button button--block" type="submit" disabled={pending}>
        {pending ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
