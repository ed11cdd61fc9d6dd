import { z } from 'zod';
import { requireScope } from '../domain/auth/principal.ts';
import { defineRoute } from '../http/route.ts';
import { Message, Ticket } from '../../common/contract/tickets.ts';
import {
  Conversation,
  ConversationConvert,
  ConversationCreate,
  ConversationListQuery,
  ConversationMessageCreate,
  ConversationPatch,
  ConversationWithMessages,
} from '../../common/contract/conversations.ts';
import {
  addConversationMessage,
  convertToTicket,
  createConversation,
  getConversationWithMessages,
  listConversations,
  updateConversation,
} from '../domain/conversations/conversations.service.ts';

const tag = 'Conversations';

export const conversationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/conversations',
    tag,
    summary: 'List conversations',
    scope: 'conversations:read',
    query: ConversationListQuery,
    response: z.array(Conversation),
    list: true,
    handler: ({ ctx, query }) => listConversations(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/conversations/:id',
    tag,
    summary: 'Get a conversation with its messages (oldest first)',
    scope: 'conversations:read',
    response: ConversationWithMessages,
    handler: async ({ ctx, params }) => ({
      data: await getConversationWithMessages(ctx, params.id),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/conversations',
    tag,
    summary: 'Push in a conversation',
    description:
      'Links the contact with `participantEmail` (creating it if needed); `body` becomes the ' +
      'first customer message. The conversation starts `active`.',
    scope: 'conversations:write',
    body: ConversationCreate,
    status: 201,
    response: Conversation,
    handler: async ({ ctx, body, deps }) => ({
      data: await createConversation(ctx, body, deps.config),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/conversations/:id',
    tag,
    summary: 'Archive, reactivate or rename a conversation',
    description: 'Only the given fields change; `updatedAt` moves.',
    scope: 'conversations:write',
    body: ConversationPatch,
    response: Conversation,
    handler: async ({ ctx, params, body }) => ({
      data: await updateConversation(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/conversations/:id/messages',
    tag,
    summary: 'Add a message to a conversation',
    description:
      'Conversations are inbound threads that integrations push in, so `sender` defaults to ' +
      '`customer` (the opposite of ticket replies, which default to `agent`). A message moves ' +
      '`lastMessageAt` and `messageCount`. A customer message reactivates an archived ' +
      "conversation and moves the contact's `lastSeenAt`; an agent message (authored by the " +
      "key's user) leaves the status as it is. Messages added after the conversation became a " +
      'ticket stay in the conversation; they are not copied to the ticket.',
    scope: 'conversations:write',
    body: ConversationMessageCreate,
    status: 201,
    response: Message,
    handler: async ({ ctx, params, body, deps }) => ({
      data: await addConversationMessage(ctx, params.id, body, deps.config),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/conversations/:id/ticket',
    tag,
    summary: 'Turn a conversation into a ticket',
    description:
      'Needs `tickets:write` as well as `conversations:write`. Creates an `open` ticket for the ' +
      "conversation's contact: the subject carries over, the first message becomes the " +
      'description, and every message is copied into the ticket thread with its original time ' +
      'and author. The SLA counts from the conversion; an agent reply already in the ' +
      'conversation sets `firstResponseAt`. The conversation keeps its status and gets ' +
      '`ticketId`. 409 CONFLICT (with `details.ticketId`) if it already has a ticket.',
    scope: 'conversations:write',
    body: ConversationConvert,
    status: 201,
    response: Ticket,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, body }) => {
      requireScope(ctx.actor, 'tickets:write');
      return { data: await convertToTicket(ctx, params.id, body) };
    },
  }),
];
