import { z } from 'zod';
import { Email, SearchText, Timestamp, enumFilter, listQuery, text } from './base.ts';
import { AttachmentIds } from './attachments.ts';
import { Message, Priority } from './tickets.ts';

export const channels = ['email', 'chat', 'widget'] as const;
export const conversationStatuses = ['active', 'archived'] as const;
export const Channel = z.enum(channels);
export const ConversationStatus = z.enum(conversationStatuses);

export const Conversation = z
  .object({
    id: z.string(),
    channel: Channel,
    status: ConversationStatus,
    subject: z.string(),
    participantEmail: z.string(),
    contactId: z.string(),
    ticketId: z.string().nullable().meta({ description: 'The ticket it was turned into, if any' }),
    assignedTo: z.string().nullable().meta({ description: 'The usr_ id of the user handling it, or null' }),
    messageCount: z.number().int(),
    lastMessageAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Conversation' });

export const ConversationWithMessages = Conversation.extend({
  messages: z.array(Message),
}).meta({ id: 'ConversationWithMessages' });

// createdAt comes first so it is the default sort, as for every list of the API.
export const ConversationListQuery = listQuery(['createdAt', 'lastMessageAt'], {
  channel: enumFilter(channels).optional(),
  status: enumFilter(conversationStatuses).optional(),
  contactId: z.string().trim().min(1).optional(),
  assignedTo: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: 'A usr_ id, or `none` for unassigned conversations' }),
  search: SearchText.optional().meta({
    description: 'Full text over subject and message bodies; every word must match the start of a word',
  }),
});

export const ConversationCreate = z.strictObject({
  channel: Channel,
  participantEmail: Email,
  subject: text(300),
  body: text(100_000).meta({ description: 'The first inbound (customer) message' }),
  attachments: AttachmentIds.optional().meta({ description: 'Files on the first message (see Message)' }),
});

export const ConversationPatch = z
  .strictObject({
    status: ConversationStatus.optional(),
    subject: text(300).optional(),
    assignedTo: z
      .string()
      .trim()
      .min(1)
      .nullable()
      .optional()
      .meta({ description: 'A usr_ id of an active user, or null to unassign' }),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
    // Only when nothing else is wrong: `{ "channel": … }` is one unknown field, not two errors.
    when: (payload) => payload.issues.length === 0,
  });

export const ConversationMessageCreate = z.strictObject({
  body: text(100_000),
  sender: z.enum(['customer', 'agent']).default('customer'),
  attachments: AttachmentIds.optional(),
});

export const ConversationConvert = z.strictObject({
  priority: Priority.default('medium'),
  projectId: z.string().trim().min(1).nullable().optional(),
});

export type ConversationT = z.output<typeof Conversation>;
export type ConversationWithMessagesT = z.output<typeof ConversationWithMessages>;
export type ConversationListParams = z.output<typeof ConversationListQuery>;
export type ConversationCreateInput = z.output<typeof ConversationCreate>;
export type ConversationPatchInput = z.output<typeof ConversationPatch>;
export type ConversationMessageInput = z.output<typeof ConversationMessageCreate>;
export type ConversationConvertInput = z.output<typeof ConversationConvert>;
