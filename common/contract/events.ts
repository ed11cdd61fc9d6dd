import { z } from 'zod';
import { customEventType, customEventTypeRule } from '../rules/events.ts';
import { Timestamp, enumFilter, listQuery } from './base.ts';

const typePattern = /^[a-z][a-z0-9_]*(\.[a-z0-9_*]+)+$|^\*$/;

/** Event types, comma-separated; `ticket.*` matches every ticket event. */
export const EventTypeFilter = z
  .string()
  .trim()
  .min(1)
  .transform((raw, ctx) => {
    const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = parts.filter((p) => !typePattern.test(p));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `invalid event type ${bad.join(', ')}` });
      return z.NEVER;
    }
    return parts;
  })
  .meta({ description: 'Event types, comma-separated; `ticket.*` matches a whole family' });

const EventId = z.string().trim().min(1).meta({ description: 'An evt_ id' });

export const EventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    actor: z.object({
      type: z.enum(['apiKey', 'user', 'workflow', 'system']),
      id: z.string().nullable().meta({ description: 'The API key, user or workflow that acted' }),
      userId: z
        .string()
        .nullable()
        .meta({ description: 'The user the change was made for (an API key’s user); null for workflows and the system' }),
    }),
    data: z.unknown(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Event' });

export const EventListQuery = listQuery(['createdAt'], {
  type: EventTypeFilter.optional(),
  resourceId: z.string().trim().min(1).optional(),
  after: EventId.optional().meta({
    description: 'The sync cursor: only events strictly newer than this one, oldest first',
  }),
}).extend({ sortOrder: z.enum(['asc', 'desc']).default('asc') });

export const EventStreamQuery = z.strictObject({
  type: EventTypeFilter.optional(),
  after: EventId.optional().meta({
    description: 'Start after this event (the Last-Event-ID header takes precedence)',
  }),
  include: enumFilter(['presence', 'notifications'] as const)
    .optional()
    .meta({
      description:
        'Also send live messages that are not events (no `id:` line, never stored, not in ' +
        '/events): `presence` (who is viewing or replying to which ticket) and `notifications` ' +
        "(the caller's own new notifications, never anyone else's). Comma-separated for both.",
    }),
});

export const CustomEventCreate = z.strictObject({
  type: z
    .string()
    .trim()
    .regex(customEventType, customEventTypeRule),
  data: z.record(z.string(), z.unknown()).default({}),
});

export type EventListParams = z.output<typeof EventListQuery>;
export type EventT = z.output<typeof EventSchema>;
export type CustomEventInput = z.output<typeof CustomEventCreate>;
