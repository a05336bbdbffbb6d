import { z } from 'zod';

export const workspaceIdParam = z.uuid('Workspace not found.');

export const renameWorkspaceBody = z.object({
  name: z
    .string({ error: 'Enter a workspace name.' })
    .trim()
    .min(1, 'Enter a workspace name.')
    .max(80, 'Workspace name must be at most 80 characters.'),
});
