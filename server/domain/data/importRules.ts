// What an imported row must satisfy beyond its column's type: the same rules the API applies to
// the same fields, taken from the contract's own schemas, and JSON columns that must hold JSON
// of the right shape. An import that skipped them stored what the API refuses (a 50 MB
// description, event data that is not JSON), and the API then failed to read it back.
import { z } from 'zod';
import { ApiKeyCreate } from '../../../common/contract/apiKeys.ts';
import { ContactCreate } from '../../../common/contract/contacts.ts';
import { ConversationCreate } from '../../../common/contract/conversations.ts';
import { MacroActions, MacroCreate } from '../../../common/contract/macros.ts';
import { ProjectCreate } from '../../../common/contract/projects.ts';
import { TagCreate } from '../../../common/contract/tags.ts';
import { MessageCreate, TicketCreate } from '../../../common/contract/tickets.ts';
import { UserCreate } from '../../../common/contract/users.ts';
import { WebhookCreate } from '../../../common/contract/webhooks.ts';
import { Action, Condition } from '../../../common/contract/workflows.ts';
import { jsonDepth, maxJsonDepth, tooDeepMessage } from '../../core/json.ts';

/** Event data is the resource as it was: up to the largest resource, not a body's 1 MiB. */
const maxEventDataBytes = 4 * 1024 * 1024;

/** A TEXT column holding JSON: parseable, no deeper than the API accepts, of this shape. */
function jsonColumn(shape: z.ZodType, maxBytes = 1024 * 1024): z.ZodType {
  return z.string().superRefine((text, ctx) => {
    if (text.length > maxBytes) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${maxBytes} bytes of JSON` });
      return;
    }
    if (jsonDepth(text) > maxJsonDepth) {
      ctx.addIssue({ code: 'custom', message: tooDeepMessage });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON text' });
      return;
    }
    const checked = shape.safeParse(value);
    if (!checked.success) {
      const first = checked.error.issues[0];
      const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
      ctx.addIssue({ code: 'custom', message: `is not valid${where}: ${first?.message ?? 'invalid'}` });
    }
  });
}

const eventType = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_][a-z0-9_.-]*)+$/, 'must be an event type such as ticket.created');

/** Rules by exported table and column; a column not listed is checked for its type only (format.ts). */
export const importRules: Partial<Record<string, Record<string, z.ZodType>>> = {
  // Not the API's e-mail rule: the server itself creates admin@localhost, which it refuses.
  users: { name: UserCreate.shape.name, email: z.string().max(254).regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address') },
  api_keys: { name: ApiKeyCreate.shape.name, scopes: jsonColumn(ApiKeyCreate.shape.scopes) },
  contacts: {
    email: ContactCreate.shape.email,
    name: ContactCreate.shape.name,
    company: ContactCreate.shape.company,
  },
  projects: { name: ProjectCreate.shape.name, slug: ProjectCreate.shape.slug },
  tags: { name: TagCreate.shape.name, color: TagCreate.shape.color },
  macros: { name: MacroCreate.shape.name, body: MacroCreate.shape.body, actions: jsonColumn(MacroActions) },
  conversations: {
    subject: ConversationCreate.shape.subject,
    participant_email: ConversationCreate.shape.participantEmail,
  },
  tickets: { subject: TicketCreate.shape.subject, description: TicketCreate.shape.description },
  messages: { body: MessageCreate.shape.body },
  events: { type: eventType, data: jsonColumn(z.unknown(), maxEventDataBytes) },
  webhooks: { url: WebhookCreate.shape.url, events: jsonColumn(WebhookCreate.shape.events) },
  workflows: {
    conditions: jsonColumn(z.array(Condition).max(20)),
    // The shape the server reads back (an empty list is inert, so it is not refused here).
    actions: jsonColumn(z.array(Action).max(20)),
  },
};

/**
 * What identifies a row within a file: its id, or for tables without one the columns that make
 * it unique. A second row with the same identity is a broken file, reported with both lines.
 */
export function rowIdentity(table: string, row: Record<string, unknown>): string | null {
  switch (table) {
    case 'ticket_tags':
      return `${String(row.ticket_id)} ${String(row.tag_id)}`;
    case 'sla_policies':
      return String(row.priority);
    case 'webhook_attempts':
      return `${String(row.delivery_id)} #${String(row.attempt)}`;
    default:
      return typeof row.id === 'string' ? row.id : null;
  }
}
