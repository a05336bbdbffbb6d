import { z } from './zod';

// Shared by the route handlers and the browser forms, so both say the same thing.

export const emailField = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long.')
  .pipe(z.email('Enter a valid email address.'));

export const signUpBody = z.object({
  email: emailField,
  password: z
    .string({ error: 'Choose a password.' })
    .min(8, 'Password must be at least 8 characters.')
    .max(256, 'Password must be at most 256 characters.'),
  name: z
    .string({ error: 'Enter your name.' })
    .trim()
    .min(1, 'Enter your name.')
    .max(100, 'Name must be at most 100 characters.'),
});

export const signInBody = z.object({
  email: emailField,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(256, 'Incorrect email or password.'),
});

export type SignUpInput = z.infer<typeof signUpBody>;
export type SignInInput = z.infer<typeof signInBody>;
