// Who may read which event. An event carries the resource as it is after the change (a ticket's
// description, an internal note, a contact's e-mail, another user's key name), so the feed shows
// a key only what the key could read through that resource's own routes. The rule is written
// once, here, as a table by resource type; GET /events (and its meta.total), GET /events/:id and
// the live stream all apply it. Webhooks are admin-only and receive every event.
import { type Expression, type SqlBool, sql } from 'kysely';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';
import type { EventT } from '../../../common/contract/events.ts';
import { type AnyDb, dialectOf } from '../../../db/dialect.ts';
import type { Actor } from '../context.ts';

/**
 * The read rule of each resource type:
 * - a scope: the scope that reads the resource (`tickets:read` for tickets, internal notes
 *   included, since that scope reads them on the ticket);
 * - `any`: readable by every key through the API (team and configuration, custom events);
 * - `thread`: a message, read with the scope of its ticket or conversation;
 * - `ownKey`: an API key, read by admins and by the user whose key it is (as GET /api-keys);
 * - `own`: something only its owner works on (a saved view, an upload not yet on a message), read
 *   by admins and by the user who made the change.
 * A resource type missing here (a new one) is shown to admins only until it is listed. `auth`
 * (sign-ins, failed sign-ins, sessions, password changes) and `invitation` are left out on
 * purpose: they are for admins only.
 */
const readRules: Record<string, Scope | 'any' | 'thread' | 'ownKey' | 'own'> = {
  ticket: 'tickets:read',
  conversation: 'conversations:read',
  contact: 'contacts:read',
  message: 'thread',
  api_key: 'ownKey',
  user: 'any',
  project: 'any',
  tag: 'any',
  macro: 'any',
  sla_policy: 'any',
  custom: 'any',
  view: 'own',
  attachment: 'own',
  device: 'admin',
};

type Reader = Pick<Actor, 'scopes' | 'userId'>;

const isAdmin = (actor: Reader) => actor.scopes.includes('admin');

/** Whether `actor` may read this (presented) event: the stream's per-event check. */
export function canReadEvent(actor: Reader, event: Pick<EventT, 'resourceType' | 'data' | 'actor'>): boolean {
  if (isAdmin(actor)) return true;
  const rule = readRules[event.resourceType];
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (rule) {
    case undefined:
      return false;
    case 'any':
      return true;
    case 'thread':
      return typeof data.ticketId === 'string'
        ? hasScope(actor.scopes, 'tickets:read')
        : typeof data.conversationId === 'string' && hasScope(actor.scopes, 'conversations:read');
    case 'ownKey':
      return actor.userId !== null && (data.apiKey as { userId?: unknown } | undefined)?.userId === actor.userId;
    case 'own':
      return actor.userId !== null && event.actor.userId === actor.userId;
    default:
      return hasScope(actor.scopes, rule);
  }
}

/**
 * The same rule as SQL over the events table, for lists and their totals; null when the actor
 * reads everything (no condition at all, so an admin's feed costs what it did).
 */
export function readableEventsCondition(actor: Reader, db: AnyDb): Expression<SqlBool> | null {
  if (isAdmin(actor)) return null;
  const dialect = dialectOf(db);
  const parts = [];
  const whole: string[] = [];
  for (const [resourceType, rule] of Object.entries(readRules)) {
    if (rule === 'any' || (rule !== 'thread' && rule !== 'ownKey' && rule !== 'own' && hasScope(actor.scopes, rule))) {
      whole.push(resourceType);
    } else if (rule === 'thread') {
      const tickets = hasScope(actor.scopes, 'tickets:read');
      const conversations = hasScope(actor.scopes, 'conversations:read');
      if (tickets && conversations) whole.push(resourceType);
      else if (tickets) parts.push(sql`(resource_type = ${resourceType} and ${dialect.jsonIsString(sql.ref('data'), ['ticketId'])})`);
      else if (conversations) {
        parts.push(sql`(resource_type = ${resourceType} and ${dialect.jsonIsString(sql.ref('data'), ['conversationId'])})`);
      }
    } else if (rule === 'own' && actor.userId !== null) {
      parts.push(sql`(resource_type = ${resourceType} and actor_user_id = ${actor.userId})`);
    } else if (rule === 'ownKey' && actor.userId !== null) {
      parts.push(sql`(resource_type = ${resourceType} and ${dialect.jsonText(sql.ref('data'), ['apiKey', 'userId'])} = ${actor.userId})`);
    }
  }
  if (whole.length > 0) parts.unshift(sql`resource_type in (${sql.join(whole)})`);
  return parts.length === 0 ? dialect.never() : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
