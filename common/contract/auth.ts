import { z } from 'zod';
import { ScopeSchema } from './apiKeys.ts';
import { Timestamp, listQuery } from './base.ts';
import { User } from './users.ts';

export const Whoami = z
  .object({
    user: User,
    scopes: z.array(ScopeSchema).meta({
      description:
        'What this caller may do: the scopes of its key (admin only while the user is an admin), ' +
        "or, for a session, its user's role (agent: tickets, conversations and contacts read and " +
        'write, analytics:read, events:read; admin: those and `admin`)',
    }),
    credential: z.object({
      type: z.enum(['apiKey', 'session']),
      id: z.string().meta({ description: 'The key_ or ses_ id' }),
    }),
  })
  .meta({ id: 'Whoami' });

/** A password as typed: never trimmed (spaces are characters too); rules apply to new ones. */
export const Password = z.string().min(1).max(1000);

export const Session = z
  .object({
    id: z.string().meta({ description: 'ses_ id' }),
    userId: z.string(),
    device: z.string().meta({ description: "The browser's User-Agent when it signed in" }),
    ip: z.string().meta({ description: 'The client address it signed in from' }),
    createdAt: Timestamp,
    lastSeenAt: Timestamp.meta({ description: 'Its last request (updated at most once a minute)' }),
    expiresAt: Timestamp.meta({ description: 'The absolute end of the session; it also ends when idle' }),
    current: z.boolean().meta({ description: 'true for the session this request came with' }),
  })
  .meta({ id: 'Session' });

export const SessionListQuery = listQuery(['createdAt'], {
  userId: z
    .string()
    .optional()
    .meta({ description: "admin: another user's sessions (default: the caller's own)" }),
});

export const LoginBody = z.strictObject({
  // Not checked as an address: it is only looked up, and the first admin is admin@localhost.
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: Password,
});

export const SignedIn = z
  .object({
    user: User,
    session: Session,
  })
  .meta({ id: 'SignedIn' });

export const PasswordChange = z.strictObject({
  password: Password.meta({
    description: 'The new password: at least 10 characters, not one of the 10,000 commonest, not your e-mail or name',
  }),
  currentPassword: Password.optional().meta({
    description: 'Your current password, required to change your own when you have one (not for an admin reset)',
  }),
});

export const PasswordChanged = z
  .object({
    sessionsEnded: z.number().int().meta({
      description: "Sessions ended: all of the user's on an admin reset, your other ones on your own change",
    }),
  })
  .meta({ id: 'PasswordChanged' });

export type WhoamiT = z.output<typeof Whoami>;
export type SessionT = z.output<typeof Session>;
export type SessionListParams = z.output<typeof SessionListQuery>;
export type LoginInput = z.output<typeof LoginBody>;
export type SignedInT = z.output<typeof SignedIn>;
export type PasswordChangeInput = z.output<typeof PasswordChange>;
