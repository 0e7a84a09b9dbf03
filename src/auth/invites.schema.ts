import { z } from 'zod';

/** The operator names the account when inviting; the invitee only chooses the password. */
export const inviteSchema = z.object({ username: z.string().min(1).max(128) });
