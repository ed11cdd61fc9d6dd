import { z } from 'zod';
import { Email, Timestamp, enumFilter, listQuery, text } from './base.ts';
import { Password } from './auth.ts';
import { Role } from './users.ts';

export const invitationStatuses = ['pending', 'accepted', 'revoked', 'expired'] as const;

export const Invitation = z
  .object({
    id: z.string().meta({ description: 'inv_ id' }),
    email: z.string(),
    role: Role,
    status: z.enum(invitationStatuses).meta({
      description: 'pending until accepted, revoked or 7 days old (expired)',
    }),
    invitedBy: z.string().nullable().meta({ description: 'The admin who invited (usr_ id)' }),
    userId: z.string().nullable().meta({ description: 'The user who accepted it' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    expiresAt: Timestamp,
    acceptedAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Invitation' });

export const InvitationWithUrl = Invitation.extend({
  url: z.string().meta({
    description:
      'The one-time link to hand to the invitee: shown in this response only. Its token (after ' +
      '#) is stored only as a hash; a resend replaces it.',
  }),
}).meta({ id: 'InvitationWithUrl' });

export const InvitationCreate = z.strictObject({
  email: Email,
  role: Role.default('agent'),
});

export const InvitationListQuery = listQuery(['createdAt'], {
  status: enumFilter(invitationStatuses).optional(),
});

export const InvitationAccept = z.strictObject({
  token: z.string().min(1).max(200).meta({ description: 'The part of the link after #token=' }),
  name: text(200),
  password: Password.meta({
    description: 'At least 10 characters, not one of the 10,000 commonest, not the e-mail or name',
  }),
});

export type InvitationT = z.output<typeof Invitation>;
export type InvitationWithUrlT = z.output<typeof InvitationWithUrl>;
export type InvitationCreateInput = z.output<typeof InvitationCreate>;
export type InvitationListParams = z.output<typeof InvitationListQuery>;
export type InvitationAcceptInput = z.output<typeof InvitationAccept>;
