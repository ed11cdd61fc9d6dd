import { z } from 'zod';
import { Timestamp, enumFilter, listQuery } from './base.ts';

// One segment after the family name; custom event names also allow `-` (see CustomEventCreate).
const segment = '[a-z0-9_][a-z0-9_-]*';
const family = '[a-z][a-z0-9_]*';
/** `*`, an exact type (`ticket.created`) or a family (`ticket.*`, `custom.billing.*`). */
const eventPattern = new RegExp(`^(?:\\*|${family}(?:\\.${segment})*\\.(?:\\*|${segment}))$`);

const EventPattern = z
  .string()
  .trim()
  .max(200)
  .regex(eventPattern, 'must be an event type (ticket.created), a family (ticket.*) or *')
  .meta({ example: 'ticket.*' });

const EventPatterns = z
  .array(EventPattern)
  .min(1, 'give at least one event type')
  .max(50)
  .transform((list) => [...new Set(list)])
  .meta({ description: 'Event types to deliver: exact types, `prefix.*` families, or `*` for all' });

const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }))
  .meta({ example: 'https://example.com/hooks/localdesk' });

const Active = z.boolean().meta({
  description: 'false pauses deliveries: new events are not queued, and queued ones wait',
});

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Webhook' });

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().meta({
    description: 'Signs every delivery (LocalDesk-Signature): shown in this response only, never again',
  }),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookCreate = z.strictObject({
  url: WebhookUrl,
  events: EventPatterns,
  active: Active.default(true),
});

export const WebhookPatch = z
  .strictObject({
    url: WebhookUrl.optional(),
    events: EventPatterns.optional(),
    active: Active.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export const WebhookListQuery = listQuery(['createdAt'], {});

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;

export const DeliveryAttempt = z
  .object({
    attempt: z.number().int().meta({ description: '1 for the first try' }),
    statusCode: z.number().int().nullable().meta({ description: 'null: no HTTP response' }),
    error: z
      .string()
      .nullable()
      .meta({ description: 'Why there was no response (timeout, connection refused, ...)' }),
    durationMs: z.number().int(),
    createdAt: Timestamp,
  })
  .meta({ id: 'WebhookDeliveryAttempt' });

export const Delivery = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(deliveryStatuses),
    attempts: z.array(DeliveryAttempt).meta({ description: 'Every attempt so far, first first' }),
    nextAttemptAt: Timestamp.nullable().meta({ description: 'When the next try is due; null once done' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export const DeliveryListQuery = listQuery(['createdAt'], {
  status: enumFilter(deliveryStatuses).optional(),
});

export type WebhookT = z.output<typeof Webhook>;
export type WebhookWithSecretT = z.output<typeof WebhookWithSecret>;
export type WebhookCreateInput = z.output<typeof WebhookCreate>;
export type WebhookPatchInput = z.output<typeof WebhookPatch>;
export type WebhookListParams = z.output<typeof WebhookListQuery>;
export type DeliveryT = z.output<typeof Delivery>;
export type DeliveryListParams = z.output<typeof DeliveryListQuery>;
