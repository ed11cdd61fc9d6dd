import { z } from 'zod';
import { PresenceBeat, PresenceQuery, TicketPresence } from '../../common/contract/presence.ts';
import { notFound } from '../core/errors.ts';
import { getCurrentUser } from '../domain/users/users.service.ts';
import { defineRoute } from '../http/route.ts';

const tag = 'Presence';
const ephemeral =
  'Presence is ephemeral: kept in the memory of this server only, never stored and never in ' +
  '/events. An entry with no heartbeat for 30 s is gone. Changes are sent live as `presence` ' +
  'messages on GET /events/stream?include=presence.';

export const presenceRoutes = [
  defineRoute({
    method: 'POST',
    path: '/presence',
    tag,
    summary: 'I am viewing or replying to a ticket (a heartbeat), or I left it',
    description:
      `${ephemeral} Send \`viewing\` or \`replying\` every ~10 s while it lasts, and \`left\` ` +
      "when the ticket is closed. Answers with the ticket's list of people.",
    scope: 'tickets:read',
    body: PresenceBeat,
    response: TicketPresence,
    idempotency: false,
    handler: async ({ ctx, body, deps }) => {
      const ticket = await ctx.db.selectFrom('tickets').select('id').where('id', '=', body.ticketId).executeTakeFirst();
      if (!ticket) throw notFound('ticket', body.ticketId);
      const me = await getCurrentUser(ctx);
      return { data: deps.presence.beat({ id: me.id, name: me.name }, ticket.id, body.state) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/presence',
    tag,
    summary: 'Who is on which ticket now',
    description: `${ephemeral} Without \`ticketId\`, every ticket someone has open (for the inbox).`,
    scope: 'tickets:read',
    query: PresenceQuery,
    response: z.array(TicketPresence),
    handler: async ({ query, deps }) => ({ data: deps.presence.list(query.ticketId) }),
  }),
];
