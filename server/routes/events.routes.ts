import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { CustomEventCreate, EventListQuery, EventSchema, EventStreamQuery } from '../../common/contract/events.ts';
import { createCustomEvent, getEvent, listEvents, seqOf } from '../domain/events/events.service.ts';
import { openEventStream } from '../http/eventStream.ts';

const tag = 'Events';

export const eventRoutes = [
  defineRoute({
    method: 'GET',
    path: '/events',
    tag,
    summary: 'List events (the change feed), oldest first',
    description:
      'With `after`, only events strictly newer than that one: page with `after` = the last id ' +
      'you saw and you get every event exactly once, in commit order, while writes continue. ' +
      'A key sees the events of what it may read: ticket events and ticket messages (internal ' +
      'notes included) need `tickets:read`, conversation events and their messages ' +
      '`conversations:read`, contact events `contacts:read`, API key events `admin` (or the ' +
      "key's own user, for that user's keys); users, projects, tags, macros, SLA policies and " +
      '`custom.*` events are shown to every key with `events:read`. `meta.total` counts the ' +
      'same events; an event the key may not read is not found.',
    scope: 'events:read',
    query: EventListQuery,
    response: z.array(EventSchema),
    list: true,
    handler: ({ ctx, query }) => listEvents(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/events/stream',
    tag,
    summary: 'Live events as Server-Sent Events',
    description:
      'Each event is sent as `id:` (the evt_ id), `event:` (its type) and `data:` (the event ' +
      'JSON). Reconnect with `Last-Event-ID` (browsers do this by themselves) to resume without ' +
      'losing or repeating an event. A comment line is sent every 15 s while idle. A stream sends ' +
      'only the events the key may read (as `GET /events`). A client that stops reading is ' +
      'disconnected once about 1 MiB is waiting for it (resume with `Last-Event-ID`). A key may ' +
      'hold 20 streams at once (429 beyond), the server 1,000 (503 beyond); both configurable. With ' +
      '`include=presence,notifications` it also carries live messages that are not events and ' +
      'have no `id:` (see POST /presence and GET /notifications).',
    scope: 'events:read',
    query: EventStreamQuery,
    stream: true,
    handler: async ({ ctx, deps, http, query }) => {
      const lastEventId = http.get('last-event-id').trim();
      const from = lastEventId || query.after;
      const start = from
        ? await seqOf(ctx.db, from, lastEventId ? 'Last-Event-ID' : 'after')
        : deps.hub.seq;
      const extras = query.include ? { include: query.include, userId: ctx.actor.userId } : undefined;
      openEventStream(http, deps, ctx.actor, start, query.type, extras);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/events/:id',
    tag,
    summary: 'Get one event',
    scope: 'events:read',
    response: EventSchema,
    handler: async ({ ctx, params }) => ({ data: await getEvent(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/events',
    tag,
    summary: 'Publish a custom event (custom.<name>) for workflows and webhooks',
    description:
      'Needs `tickets:write`: a custom event can set workflows in motion that change tickets.',
    scope: 'tickets:write',
    body: CustomEventCreate,
    status: 201,
    response: EventSchema,
    handler: async ({ ctx, body }) => ({
      data: await createCustomEvent(ctx, body),
    }),
  }),
];
