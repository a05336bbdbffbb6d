import { z } from './zod';

export const workspaceIdParam = z.uuid('Workspace not found.');

export const renameWorkspaceBody = z.object({
  name: z
    .string({ error: 'Enter a workspace name.' })
    .trim()
    .min(1, 'Enter a workspace name.')
    .max(80, 'Workspace name must be at most 80 characters.'),
});

export const userIdParam = z.uuid('Member not found.');
export const inviteIdParam = z.uuid('Invitation not found.');

// Stored lower-cased, like users.email; the same bounds as sign-up's address.
export const inviteBody = z.strictObject({
  email: z
    .string({ error: 'Enter an email address.' })
    .trim()
    .toLowerCase()
    .max(254, 'Email must be at most 254 characters.')
    .pipe(z.email('Enter a valid email address.')),
  role: z.enum(['admin', 'agent'], { error: "Role must be 'admin' or 'agent'." }),
});
export type InviteInput = z.infer<typeof inviteBody>;

export const changeRoleBody = z.strictObject({
  role: z.enum(['owner', 'admin', 'agent'], { error: "Role must be 'owner', 'admin' or 'agent'." }),
});
export type ChangeRoleInput = z.infer<typeof changeRoleBody>;

export const acceptInviteBody = z.strictObject({
  // Sent in the body, never in a URL of the API: request paths are logged, bodies are not.
  token: z.string({ error: 'The invitation token is missing.' }).min(1, 'The invitation token is missing.').max(200, 'The invitation token is not valid.'),
});
export type AcceptInviteInput = z.infer<typeof acceptInviteBody>;

/** `?workspaceId=` on list endpoints: one workspace of the caller's, or all of them when absent. */
export const workspaceScopeQuery = z.object({
  workspaceId: z.uuid('Workspace not found.').optional(),
});
export type WorkspaceScopeQuery = z.infer<typeof workspaceScopeQuery>;
