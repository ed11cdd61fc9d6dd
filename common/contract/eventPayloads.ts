// What the `data` of each built-in event type holds: workflow conditions name fields of it
// (`ticket.priority`), so a path no event of the trigger's type carries is refused instead of
// silently never matching. `custom.*` events carry whatever the integration sent.
import { z } from 'zod';
import { Contact } from './contacts.ts';
import { Conversation } from './conversations.ts';
import { Message, Ticket } from './tickets.ts';

const Changes = z.array(z.string()).meta({ description: 'The fields that changed' });

export const eventPayloads: Record<string, z.ZodObject> = {
  'ticket.created': z.object({ ticket: Ticket }),
  'ticket.updated': z.object({ ticket: Ticket, changes: Changes }),
  'ticket.merged': z.object({ ticket: Ticket, sourceIds: z.array(z.string()) }),
  'ticket.deleted': z.object({ ticketId: z.string() }),
  'message.created': z.object({ message: Message, ticketId: z.string().optional(), conversationId: z.string().optional() }),
  'conversation.created': z.object({ conversation: Conversation }),
  'conversation.updated': z.object({ conversation: Conversation, changes: Changes }),
  'contact.created': z.object({ contact: Contact }),
  'contact.updated': z.object({ contact: Contact, changes: Changes }),
  'contact.deleted': z.object({ contactId: z.string() }),
  // Team sync: a change made offline on a replica reached the host after another change of the
  // same field and lost; the event's actor is the one whose change lost.
  'ticket.change_overtaken': z.object({
    ticketId: z.string(),
    field: z.string(),
    yourValue: z.unknown(),
    theirValue: z.unknown(),
    byUserId: z.string().nullable(),
    byName: z.string().nullable(),
  }),
};

/** Optional, nullable, defaulted and piped schemas, down to what they wrap. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.out as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Whether a dotted path leads somewhere in the schema (free-form parts accept anything below). */
function hasPath(schema: z.ZodType, path: readonly string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return true;
  const node = unwrap(schema);
  if (node instanceof z.ZodUnknown || node instanceof z.ZodAny || node instanceof z.ZodRecord) return true;
  if (!(node instanceof z.ZodObject)) return false; // a value or a list: nothing inside to name
  const child = (node.shape as Record<string, z.ZodType>)[head];
  return child !== undefined && hasPath(child, rest);
}

/** Why events of type `trigger` can never have `field`, or null when they can. */
export function conditionFieldProblem(trigger: string, field: string): string | null {
  const payload = eventPayloads[trigger];
  if (!payload || hasPath(payload, field.split('.'))) return null;
  const fields = Object.entries(payload.shape as Record<string, z.ZodType>).map(([key, value]) =>
    unwrap(value) instanceof z.ZodObject ? `${key}.*` : key,
  );
  const example = fields.find((f) => f.endsWith('.*'))?.replace('*', field.split('.').at(-1) ?? '');
  return (
    `${trigger} events have no field "${field}": their fields are ${fields.join(', ')}` +
    (example && hasPath(payload, example.split('.')) ? ` (did you mean ${example}?)` : '')
  );
}
