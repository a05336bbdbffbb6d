import { z } from './zod';
import { queryInt } from './query-int';
import { botSettings } from './bot-settings';

export const botIdParam = z.uuid('Bot not found.');

const name = z
  .string({ error: 'Enter a bot name.' })
  .trim()
  .min(1, 'Enter a bot name.')
  .max(80, 'Bot name must be at most 80 characters.');
const description = z.string().trim().max(500, 'Description must be at most 500 characters.');
// Replaced as a whole on PATCH; the schema bounds every field, so a row stays small.
const settings = botSettings;

export const createBotBody = z.object({
  name,
  description: description.optional(),
  channel: z.enum(['whatsapp_web', 'cloud_api'], { error: "Channel must be 'whatsapp_web' or 'cloud_api'." }).optional(),
  settings: settings.optional(),
  /** Which workspace; defaults to the caller's first workspace they can manage. */
  workspaceId: z.uuid('Workspace not found.').optional(),
});
export type CreateBotInput = z.infer<typeof createBotBody>;

export const updateBotBody = z
  .strictObject(
    { name: name.optional(), description: description.optional(), settings: settings.optional() },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `Cannot change ${iss.keys.join(', ')}.` : undefined) },
  )
  .refine((v) => Object.keys(v).length > 0, 'Nothing to update.');
export type UpdateBotInput = z.infer<typeof updateBotBody>;

/** E.164 digits without "+": 8–15 digits. Spaces, dashes, brackets and a leading + are tolerated. */
export const phoneNumber = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s\-().]/g, '').replace(/^\+/, ''))
  .pipe(z.string().regex(/^\d{8,15}$/, 'Enter the phone number with country code, digits only (8–15 digits).'));

export const connectBotBody = z
  .object({
    method: z.enum(['qr', 'pairing_code'], { error: "Method must be 'qr' or 'pairing_code'." }).default('qr'),
    phoneNumber: phoneNumber.optional(),
  })
  .refine((v) => v.method !== 'pairing_code' || v.phoneNumber, {
    message: 'A phone number is required for a pairing code.',
    path: ['phoneNumber'],
  });
export type ConnectBotInput = z.infer<typeof connectBotBody>;

export const botIdPayload = z.object({ botId: botIdParam });
export const connectPayload = z.intersection(botIdPayload, connectBotBody);

export const sessionEventsQuery = z.object({
  limit: queryInt('Limit must be a whole number from 1 to 100.', { min: 1, max: 100 }).default(50),
  /** Cursor: events older than this id. */
  before: queryInt('before must be an event id.', { min: 1 }).optional(),
});
