import { z } from './zod';
import { phoneNumber } from './bot';

export const sessionStatusWebhookBody = z.object({
  sessionId: z.uuid('sessionId must be a session id.'),
  status: z.enum(['DISCONNECTED', 'STARTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING', 'LOGGED_OUT', 'ERROR']),
  qrCode: z.string().min(1).max(2_000).optional(),
  phoneNumber: phoneNumber.optional(),
  displayName: z.string().trim().min(1).max(100).optional(),
  reason: z.string().trim().max(200).optional(),
});
export type SessionStatusWebhook = z.infer<typeof sessionStatusWebhookBody>;
