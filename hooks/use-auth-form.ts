'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ZodType } from 'zod';
import { fieldErrors } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';
import { issuesByPath } from '@/lib/validation/issues-by-path';

/**
 * Submit logic shared by the sign-in and sign-up forms: validate with the same zod schema the
 * route uses, submit (post to Parley, or sign in with Firebase and exchange its token), and on
 * success go to `next`; otherwise show field or form errors.
 */
export function useAuthForm<T extends Record<string, unknown>>(opts: { schema: ZodType<T>; submit: (values: T) => Promise<unknown>; next: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = event.currentTarget;
    const values = Object.fromEntries(new FormData(form)) as Record<string, unknown>;
    setFormError(null);

    const parsed = opts.schema.safeParse(values);
    if (!parsed.success) {
      const next = issuesByPath(parsed.error.issues);
      setErrors(next);
      focusFirstInvalid(form, next);
      return;
    }
    setErrors({});
    setPending(true);
    try {
      await opts.submit(parsed.data);
      router.replace(opts.next);
      router.refresh();
    } catch (err) {
      setPending(false);
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) {
        setErrors(fields);
        focusFirstInvalid(form, fields);
      } else {
        setFormError(errorMessage(err, 'Something went wrong. Please try again.'));
      }
    }
  }

  return { errors, formError, pending, onSubmit };
}

function focusFirstInvalid(form: HTMLFormElement, errors: Record<string, string>) {
  const first = Object.keys(errors)[0];
  if (first) (form.elements.namedItem(first) as HTMLInputElement | null)?.focus();
}
