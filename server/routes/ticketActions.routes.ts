import { defineRoute } from '../http/route.ts';
import { TicketBulkResult, TicketBulkUpdate, TicketMerge } from '../../common/contract/ticketActions.ts';
import { bulkUpdateTickets, deleteTicket, mergeTickets } from '../domain/tickets/tickets.actions.ts';
import { TicketWithMessages } from '../../common/contract/tickets.ts';

const tag = 'Tickets';

export const ticketActionRoutes = [
  defineRoute({
    method: 'POST',
    path: '/tickets/bulk',
    tag,
    summary: 'Change many tickets at once',
    description:
      'Applies `set` to every listed ticket with the same rules as PATCH (resolving or closing ' +
      'sets `resolvedAt`, a priority change recomputes the SLA, an assignee must be an active ' +
      'user and a project an active project). All or nothing: if any change is refused, no ' +
      'ticket changes and the error is returned. Ids that match no ticket do not fail the ' +
      'request; they are listed in `notFound` in request order. Duplicate ids count once. A tag ' +
      'may not be in both `addTags` and `removeTags`.',
    scope: 'tickets:write',
    body: TicketBulkUpdate,
    response: TicketBulkResult,
    handler: async ({ ctx, body }) => ({
      data: await bulkUpdateTickets(ctx, body),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/merge',
    tag,
    summary: 'Merge tickets into this one',
    description:
      'In one transaction, every message of each source moves into this ticket with its id and ' +
      'time, and becomes searchable here; the sources’ tags are added; `firstResponseAt` ' +
      'becomes the earliest of its own and the moved visible agent replies. Each source is ' +
      'closed with a system message `Merged into <id>` (a source that is already closed may be ' +
      'merged). This ticket keeps its status; a closed target is a 409. Merging a ticket into ' +
      'itself or naming an unknown source is a 400 (`details.errors` names each `sourceIds.N`) ' +
      'and changes nothing. Duplicate source ids count once. Returns this ticket with its ' +
      'messages, oldest first.',
    scope: 'tickets:write',
    body: TicketMerge,
    response: TicketWithMessages,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, body }) => ({
      data: await mergeTickets(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tickets/:id',
    tag,
    summary: 'Delete a ticket',
    description:
      'Removes the ticket with its messages, tag links and search entry. A conversation that ' +
      'was turned into it stays, with `ticketId` null. Cannot be undone.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteTicket(ctx, params.id);
      return { data: null };
    },
  }),
];
