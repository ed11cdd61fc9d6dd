import { z } from 'zod';
import { Email, SearchText, Timestamp, enumFilter, listQuery, text } from './base.ts';
import { Priority, TicketStatus } from './tickets.ts';

export const healthTiers = ['healthy', 'at-risk', 'churned'] as const;
export const HealthTier = z.enum(healthTiers).meta({
  description:
    'Computed when read: `churned` after more than 90 days without activity (lastSeenAt, else ' +
    'createdAt); `at-risk` when not churned and any of: an open/pending ticket that is urgent or ' +
    'has breached its SLA, 3+ tickets created in the last 30 days, more than 30 days without ' +
    'activity; otherwise `healthy`.',
});

const Name = text(200);
const Company = text(200);

export const Contact = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string(),
    company: z.string().nullable(),
    healthTier: HealthTier,
    lastSeenAt: Timestamp.nullable(),
    openTicketCount: z.number().int().meta({ description: 'Tickets with status open or pending' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Contact' });

export const ContactTicketSummary = z.object({
  id: z.string(),
  subject: z.string(),
  status: TicketStatus,
  priority: Priority,
  createdAt: Timestamp,
});

export const ContactConversationSummary = z.object({
  id: z.string(),
  channel: z.enum(['email', 'chat', 'widget']),
  status: z.enum(['active', 'archived']),
  subject: z.string(),
  lastMessageAt: Timestamp,
});

export const ContactWithActivity = Contact.extend({
  recentTickets: z
    .array(ContactTicketSummary)
    .meta({ description: 'Up to 10 of the contact’s tickets, newest (createdAt) first' }),
  recentConversations: z
    .array(ContactConversationSummary)
    .meta({ description: 'Up to 10 of the contact’s conversations, latest lastMessageAt first' }),
}).meta({ id: 'ContactWithActivity' });

export const ContactListQuery = listQuery(
  ['createdAt', 'updatedAt', 'lastSeenAt', 'name', 'email'],
  {
    healthTier: enumFilter(healthTiers).optional(),
    search: SearchText.optional().meta({
      description:
        'Case-insensitive substring of name, email or company; `%`, `_` and `\\` match themselves',
    }),
    company: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Exact company name, case-insensitive' }),
  },
);

export const ContactCreate = z.strictObject({
  email: Email,
  name: Name.nullable().optional(),
  company: Company.nullable().optional(),
  lastSeenAt: Timestamp.optional().meta({
    description: 'For imports: when the contact was last active; must not be in the future',
  }),
});

export const ContactPatch = z
  .strictObject({
    email: Email.optional(),
    name: Name.nullable().optional().meta({ description: 'null clears it' }),
    company: Company.nullable().optional().meta({ description: 'null clears it' }),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export type ContactT = z.output<typeof Contact>;
export type ContactWithActivityT = z.output<typeof ContactWithActivity>;
export type ContactCreateInput = z.output<typeof ContactCreate>;
export type ContactPatchInput = z.output<typeof ContactPatch>;
export type ContactListParams = z.output<typeof ContactListQuery>;
