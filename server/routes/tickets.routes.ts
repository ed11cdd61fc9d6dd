import { z } from 'zod';
import { parseExpectation, updateTicketExpecting } from '../domain/sync/conflicts.ts';
import { defineRoute } from '../http/route.ts';
import {
  Message,
  MessageCreate,
  MessageListQuery,
  Ticket,
  TicketCreate,
  TicketListQuery,
  TicketPatch,
  TicketWithMessages,
} from '../../common/contract/tickets.ts';
import { listTickets } from '../domain/tickets/tickets.list.ts';
import { getTicketWithMessages } from '../domain/tickets/tickets.read.ts';
import { addTicketMessage, createTicket, listMessages, updateTicket } from '../domain/tickets/tickets.service.ts';

const tag = 'Tickets';

export const ticketRoutes = [
  defineRoute({
    method: 'GET',
    path: '/tickets',
    tag,
    summary: 'List tickets',
    scope: 'tickets:read',
    query: TicketListQuery,
    response: z.array(Ticket),
    list: true,
    pooledRead: 'tickets',
    handler: ({ ctx, query }) => listTickets(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/tickets/:id',
    tag,
    summary: 'Get a ticket with its messages (oldest first)',
    scope: 'tickets:read',
    response: TicketWithMessages,
    pooledRead: 'ticket',
    handler: async ({ ctx, params }) => ({
      data: await getTicketWithMessages(ctx, params.id),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets',
    tag,
    summary: 'Create a ticket',
    description:
      'Links the contact with this email (creating it if needed); the description becomes the ' +
      'first customer message, with the uploads named in `attachments`. The ticket starts `open`.',
    scope: 'tickets:write',
    body: TicketCreate,
    status: 201,
    response: Ticket,
    handler: async ({ ctx, body, deps }) => ({
      data: await createTicket(ctx, body, deps.config),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tickets/:id',
    tag,
    summary: 'Change a ticket',
    description:
      'Only the given fields change. Resolving or closing sets `resolvedAt`; reopening clears ' +
      'it. A priority change recomputes the SLA due times from `createdAt`. A change made ' +
      'offline (a replica pushing its queue) sends `X-LocalDesk-Expect`: a JSON object of the ' +
      'values it was made on. A field someone changed since keeps their value and the ticket ' +
      'records `ticket.change_overtaken`; tags are merged as additions and removals.',
    scope: 'tickets:write',
    body: TicketPatch,
    response: Ticket,
    handler: async ({ ctx, params, body, http }) => {
      const expect = http.get('x-localdesk-expect');
      return {
        data: expect
          ? await updateTicketExpecting(ctx, params.id, body, parseExpectation(expect))
          : await updateTicket(ctx, params.id, body),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tickets/:id/messages',
    tag,
    summary: "List a ticket's messages (oldest first unless sortOrder=desc)",
    scope: 'tickets:read',
    query: MessageListQuery,
    response: z.array(Message),
    list: true,
    handler: ({ ctx, params, query }) => listMessages(ctx, params.id, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/messages',
    tag,
    summary: 'Reply to a ticket or add an internal note',
    description:
      'The first agent reply that is not internal sets `firstResponseAt`. A customer reply ' +
      'reopens a resolved ticket (a closed ticket stays closed). `attachments` names files uploaded ' +
      'with POST /attachments by the same user; an upload goes on one message only (409 if it is ' +
      'already on one), and the files of one message together are limited to twice ' +
      'LOCALDESK_MAX_ATTACHMENT_MB (413).',
    scope: 'tickets:write',
    body: MessageCreate,
    status: 201,
    response: Message,
    handler: async ({ ctx, params, body, deps }) => ({
      data: await addTicketMessage(ctx, params.id, body, deps.config),
    }),
  }),
];
