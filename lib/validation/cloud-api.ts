import { z } from './zod';

const field = (label: string, min: number, max: number) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .min(min, `The ${label} must be at least ${min} characters.`)
    .max(max, `The ${label} must be at most ${max} characters.`);

/** The Meta credentials of a Cloud API bot, as pasted from the Meta developer dashboard. */
export const cloudCredentialsBody = z.object({
  phoneNumberId: z
    .string({ error: 'Enter the phone number ID.' })
    .trim()
    .min(1, 'Enter the phone number ID.')
    .regex(/^\d{5,30}$/, 'The phone number ID is 5–30 digits (Meta shows it under API Setup; it is not the phone number).'),
  accessToken: field('access token', 20, 1000),
  appSecret: field('app secret', 16, 200),
  verifyToken: field('verify token', 8, 200),
});
export type CloudCredentialsInput = z.infer<typeof cloudCredentialsBody>;

