import { z } from 'zod';
import { apiKeyActor } from '../domain/events/events.record.ts';
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
import {
  addTicketMessage,
  createTicket,
  listMessages,
  listTickets,
  updateTicket,
} from '../domain/tickets/tickets.service.ts';
import { getTicketWithMessages } from '../domain/tickets/tickets.presenter.ts';

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
    handler: ({ deps, query }) => listTickets(deps.db, deps.clock, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/tickets/:id',
    tag,
    summary: 'Get a ticket with its messages (oldest first)',
    scope: 'tickets:read',
    response: TicketWithMessages,
    handler: async ({ deps, params }) => ({
      data: await getTicketWithMessages(deps.db, deps.clock, params.id ?? ''),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets',
    tag,
    summary: 'Create a ticket',
    description:
      'Links the contact with this email (creating it if needed); the description becomes the ' +
      'first customer message. The ticket starts `open`.',
    scope: 'tickets:write',
    body: TicketCreate,
    status: 201,
    response: Ticket,
    handler: async ({ deps, auth, body }) => ({
      data: await createTicket(deps.db, deps.clock, apiKeyActor(auth), body),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tickets/:id',
    tag,
    summary: 'Change a ticket',
    description:
      'Only the given fields change. Resolving or closing sets `resolvedAt`; reopening clears ' +
      'it. A priority change recomputes the SLA due times from `createdAt`.',
    scope: 'tickets:write',
    body: TicketPatch,
    response: Ticket,
    handler: async ({ deps, auth, params, body }) => ({
      data: await updateTicket(deps.db, deps.clock, apiKeyActor(auth), params.id ?? '', body),
    }),
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
    handler: ({ deps, params, query }) => listMessages(deps.db, params.id ?? '', query),
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/messages',
    tag,
    summary: 'Reply to a ticket or add an internal note',
    description:
      'The first agent reply that is not internal sets `firstResponseAt`. A customer reply ' +
      'reopens a resolved ticket (a closed ticket stays closed).',
    scope: 'tickets:write',
    body: MessageCreate,
    status: 201,
    response: Message,
    handler: async ({ deps, auth, params, body }) => ({
      data: await addTicketMessage(deps.db, deps.clock, auth, params.id ?? '', body),
    }),
  }),
];
