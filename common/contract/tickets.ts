import { z } from 'zod';
import {
  Email,
  Timestamp,
  SearchText,
  enumFilter,
  listQuery,
  text,
} from './base.ts';
import { dueSoonMinutes } from '../rules/sla.ts';
import { priorities, ticketStatuses } from '../rules/tickets.ts';
import { Attachment, AttachmentIds } from './attachments.ts';
import { MessageDelivery, MessageEmail } from './mail.ts';

export const TicketStatus = z.enum(ticketStatuses);
export const Priority = z.enum(priorities);

const UserRef = z.string().trim().min(1).meta({ description: 'A usr_ id', example: 'usr_01JQ...' });
const ProjectRef = z.string().trim().min(1).meta({ description: 'A prj_ id of an active project' });

/** A tag name: trimmed, lower-cased, no commas (filters take comma lists). */
export const TagName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[^,]*$/, 'must not contain a comma'); // `*`: an empty name is reported once, by min(1)
const TagList = z
  .array(TagName)
  .max(50)
  .meta({ description: 'Tag names; unknown names are created. Replaces the whole set on PATCH.' });

export const Message = z
  .object({
    id: z.string(),
    ticketId: z.string().optional(),
    conversationId: z.string().optional(),
    body: z.string(),
    sender: z.enum(['customer', 'agent', 'system']),
    authorId: z.string().nullable(),
    internal: z.boolean(),
    attachments: z.array(Attachment).meta({ description: 'Files on this message, in the order given' }),
    bodyHtml: z.string().nullable().meta({
      description: 'For mail: the HTML part, sanitised on the server (no scripts, handlers, frames, forms or remote images)',
    }),
    bodyFull: z.string().nullable().meta({
      description: 'For mail: the whole text when quoted history or a signature was folded out of `body`; null when nothing was',
    }),
    email: MessageEmail.nullable().meta({ description: 'Set when the message came or went by e-mail' }),
    delivery: MessageDelivery.nullable().meta({ description: 'For an agent reply sent by e-mail: where its delivery stands' }),
    createdAt: Timestamp,
  })
  .meta({ id: 'Message' });

export const Ticket = z
  .object({
    id: z.string(),
    number: z.number().int().meta({
      description: 'The short number people use: shown as #1042, unique, counting up from 1',
      example: 1042,
    }),
    subject: z.string(),
    description: z.string(),
    status: TicketStatus,
    priority: Priority,
    contactId: z.string(),
    contactEmail: z.string(),
    assignedTo: z.string().nullable(),
    projectId: z.string().nullable(),
    tags: z.array(z.string()),
    conversationId: z.string().nullable(),
    sla: z.object({
      firstResponseDueAt: Timestamp,
      resolutionDueAt: Timestamp,
      breached: z.boolean(),
    }),
    firstResponseAt: Timestamp.nullable(),
    resolvedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    externalId: z.string().nullable().meta({
      description:
        'Where an imported ticket came from, `<source>:<id in that product>` (e.g. `zendesk:1001`); ' +
        'null for tickets made here. A re-run of the import updates the ticket with this origin.',
      example: 'zendesk:1001',
    }),
  })
  .meta({ id: 'Ticket' });

export const TicketWithMessages = Ticket.extend({ messages: z.array(Message) }).meta({
  id: 'TicketWithMessages',
});

export const TicketListQuery = listQuery(['createdAt', 'updatedAt', 'priority', 'status'], {
  status: enumFilter(ticketStatuses).optional(),
  priority: enumFilter(priorities).optional(),
  assignedTo: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: 'A usr_ id, or `none` for unassigned tickets' }),
  contactId: z.string().trim().min(1).optional(),
  projectId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: 'A prj_ id, or `none` for tickets in no project' }),
  tag: TagName.optional().meta({ description: 'Only tickets carrying this tag name' }),
  sla: z
    .enum(['breached', 'due-soon'])
    .optional()
    .meta({
      description:
        '`breached`: tickets whose `sla.breached` is true now (a target missed or overdue). ' +
        '`due-soon`: open or pending tickets, not breached, whose next target (first response ' +
        `until an agent replies, then resolution) falls due within ${dueSoonMinutes} minutes.`,
    }),
  search: SearchText.optional().meta({
    description:
      'Full text over subject, description and message bodies; every word must match the start of a word ' +
      '(`log` finds "Login loop"; a single letter matches only itself)',
  }),
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .optional()
    .meta({ description: 'The imported ticket with this origin, e.g. `zendesk:1001`' }),
});

export const TicketCreate = z.strictObject({
  subject: text(300),
  description: text(100_000),
  contactEmail: Email,
  contactName: text(200)
    .optional()
    .meta({ description: 'The name of a contact created by this ticket (an existing contact keeps its own)' }),
  priority: Priority.default('medium'),
  assignedTo: UserRef.nullable().optional(),
  projectId: ProjectRef.nullable().optional(),
  tags: TagList.optional(),
  attachments: AttachmentIds.optional().meta({ description: 'Files on the first message (see Message)' }),
});

export const TicketPatch = z
  .strictObject({
    subject: text(300).optional(),
    status: TicketStatus.optional(),
    priority: Priority.optional(),
    assignedTo: UserRef.nullable().optional(),
    projectId: ProjectRef.nullable().optional(),
    tags: TagList.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export const MessageCreate = z.strictObject({
  body: text(100_000),
  sender: z.enum(['agent', 'customer']).default('agent'),
  internal: z.boolean().default(false),
  attachments: AttachmentIds.optional(),
});

export const MessageListQuery = listQuery(['createdAt'], {}).extend({
  sortOrder: z.enum(['asc', 'desc']).default('asc'),
});

export type TicketT = z.output<typeof Ticket>;
export type MessageT = z.output<typeof Message>;
export type TicketWithMessagesT = z.output<typeof TicketWithMessages>;
export type TicketCreateInput = z.output<typeof TicketCreate>;
export type TicketPatchInput = z.output<typeof TicketPatch>;
export type TicketListParams = z.output<typeof TicketListQuery>;
export type MessageCreateInput = z.output<typeof MessageCreate>;
export type MessageListParams = z.output<typeof MessageListQuery>;
