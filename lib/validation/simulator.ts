import { z } from './zod';
import { phoneNumber } from './bot';

export const simulatorScanBody = z.object({
  phoneNumber: phoneNumber.optional(),
  displayName: z.string().trim().min(1).max(100).optional(),
});
export const simulatorMessageBody = z.object({
  from: phoneNumber,
  name: z.string().trim().min(1).max(100).optional(),
  text: z.string().trim().min(1, 'Enter a message.').max(4_096, 'Message must be at most 4096 characters.'),
});
export const simulatorDisconnectBody = z.object({
  reason: z.enum(['logged_out', 'connection_replaced', 'connection_lost', 'outdated_version'], {
    error: "Reason must be one of 'logged_out', 'connection_replaced', 'connection_lost', 'outdated_version'.",
  }),
});
