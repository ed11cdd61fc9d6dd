import { z } from 'zod';
import { Timestamp, listQuery, text } from './base.ts';
import { customEventType } from '../rules/events.ts';
import { idPattern } from '../rules/ids.ts';
import { Priority, TagName, TicketStatus } from './tickets.ts';

/** The built-in event types a workflow can be triggered by; integrations add `custom.<name>`. */
export const builtinTriggers = [
  'ticket.created',
  'ticket.updated',
  'ticket.merged',
  'ticket.deleted',
  'message.created',
  'conversation.created',
  'conversation.updated',
  'contact.created',
  'contact.updated',
  'contact.deleted',
] as const;

export function isTrigger(type: string): boolean {
  return (builtinTriggers as readonly string[]).includes(type) || customEventType.test(type);
}

/**
 * Whether events of this type name a ticket the actions can change: ticket.* carry `ticket`
 * (ticket.deleted only the id of a ticket that is gone), message.created carries `ticketId` when
 * the message is a ticket's, and custom.* when the integration passes `data.ticketId`.
 */
export function triggerCarriesTicket(type: string): boolean {
  return (
    ['ticket.created', 'ticket.updated', 'ticket.merged', 'message.created'].includes(type) ||
    customEventType.test(type)
  );
}

const Trigger = z
  .string()
  .trim()
  .refine(isTrigger, {
    message: `must be one of ${builtinTriggers.join(', ')} or custom.<name> (no wildcards)`,
  })
  .meta({ description: 'The event type that starts the workflow', example: 'ticket.created' });

/** Segments of letters, digits and underscores, each starting with a letter or underscore. */
const FieldPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, 'must be a dotted path such as ticket.priority')
  .meta({
    description:
      "Path into the event data; it must be a field the trigger's events carry (`ticket.priority` " +
      'for ticket events, `changes` for *.updated ones); any path for custom.* triggers',
    example: 'ticket.priority',
  });

// The body is parsed JSON, so anything present is a JSON value (z.json() would put a nameless
// recursive schema into the OpenAPI document).
const JsonValue = z
  .unknown()
  .refine((value) => value !== undefined, 'required')
  .meta({ description: 'Any JSON value' });

export const Condition = z
  .discriminatedUnion('op', [
    z.strictObject({ field: FieldPath, op: z.enum(['eq', 'neq']), value: JsonValue }),
    z.strictObject({
      field: FieldPath,
      op: z.literal('in'),
      value: z.array(JsonValue, { error: 'must be an array for op in' }).max(100),
    }),
    z.strictObject({
      field: FieldPath,
      op: z.literal('contains'),
      value: z.string({ error: 'must be a string for op contains' }).max(1000),
    }),
  ])
  .meta({
    id: 'WorkflowCondition',
    description:
      '`eq`/`neq` compare JSON values; `in`: the field is one of `value`; `contains`: ' +
      'case-insensitive substring of a string field, or a member of an array field',
  });

const userId = z.string().trim().regex(idPattern('user'), 'must be a usr_ id or null');
const projectId = z.string().trim().regex(idPattern('project'), 'must be a prj_ id or null');
const macroId = z.string().trim().regex(idPattern('macro'), 'must be a mac_ id');

export const Action = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('set_status'), value: TicketStatus }),
    z.strictObject({ type: z.literal('set_priority'), value: Priority }),
    z.strictObject({ type: z.literal('assign'), value: userId.nullable() }),
    z.strictObject({ type: z.literal('add_tag'), value: TagName }),
    z.strictObject({ type: z.literal('set_project'), value: projectId.nullable() }),
    z.strictObject({ type: z.literal('apply_macro'), value: macroId }),
  ])
  .meta({
    id: 'WorkflowAction',
    description:
      'Changes the ticket of the event (`data.ticket.id` or `data.ticketId`). `assign` takes an ' +
      'active user or null, `set_project` an active project or null; `apply_macro` posts the ' +
      'macro\'s reply signed "LocalDesk"',
  });

const Conditions = z.array(Condition).max(20);
const Actions = z.array(Action).min(1, 'give at least one action').max(20);

export const Workflow = z
  .object({
    id: z.string(),
    name: z.string(),
    trigger: z.string(),
    conditions: z.array(Condition),
    actions: z.array(Action),
    active: z.boolean(),
    runCount: z.number().int(),
    lastRunAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Workflow' });

/** `true` or `false` in a query string (anything else is a 400, not a silent default). */
const booleanFilter = z.enum(['true', 'false']).transform((v) => v === 'true');

export const WorkflowListQuery = listQuery(['createdAt', 'name'], {
  trigger: z.string().trim().min(1).optional().meta({ description: 'Only workflows on this event type' }),
  active: booleanFilter.optional().meta({ description: 'true: active workflows; false: paused' }),
});

export const WorkflowCreate = z.strictObject({
  name: text(200),
  trigger: Trigger,
  conditions: Conditions.default([]).meta({ description: 'All must hold for the workflow to run' }),
  actions: Actions,
  active: z.boolean().default(true),
});

export const WorkflowPatch = z
  .strictObject({
    name: text(200).optional(),
    trigger: Trigger.optional(),
    conditions: Conditions.optional().meta({ description: 'Replaces the whole list' }),
    actions: Actions.optional().meta({ description: 'Replaces the whole list' }),
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export type ConditionT = z.output<typeof Condition>;
export type ActionT = z.output<typeof Action>;
export type WorkflowT = z.output<typeof Workflow>;
export type WorkflowCreateInput = z.output<typeof WorkflowCreate>;
export type WorkflowPatchInput = z.output<typeof WorkflowPatch>;
export type WorkflowListParams = z.output<typeof WorkflowListQuery>;
