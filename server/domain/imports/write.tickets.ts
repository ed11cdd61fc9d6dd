// Source tickets → tickets with their status, priority, tags, requester, assignee and thread, and
// the product's created and updated times kept (not createTicket: that one starts every ticket
// `open`, now, with a new first message). SLA due times are computed from the original creation
// time; firstResponseAt is the first public agent reply; resolvedAt, for a ticket resolved or
// closed in the product, its last update. A ticket unchanged in the product since the last import
// is skipped whole, which also leaves alone what agents have changed here since.
import { sql } from 'kysely';
import type { TicketRow, TicketUpdate } from '../../../db/schema.ts';
import { TicketCreate } from '../../../common/contract/tickets.ts';
import { isDone } from '../../../common/rules/tickets.ts';
import { changedFields, recordEvent } from '../events/events.record.ts';
import { markContactSeen } from '../contacts/contacts.service.ts';
import { slaDueTimes } from '../sla/sla.service.ts';
import { setTicketTags, tagNamesOf } from '../tags/ticketTags.ts';
import { recordMessageCreated } from '../tickets/tickets.changes.ts';
import { getTicket } from '../tickets/tickets.read.ts';
import type { SourceTicket } from './sources/types.ts';
import { requesterContact } from './write.contacts.ts';
import { applyThread } from './write.messages.ts';
import { importedId } from './ids.ts';
import { findRef, saveRef } from './refs.ts';
import { type WriteScope, accept, later } from './scope.ts';

const ImportedTicket = TicketCreate.pick({ subject: true, tags: true });

export async function applyTicket(w: WriteScope, t: SourceTicket): Promise<void> {
  const { db } = w.ctx;
  const ref = await findRef(db, w.source, 'ticket', t.externalId);
  const current = ref ? await db.selectFrom('tickets').selectAll().where('id', '=', ref.local_id).executeTakeFirst() : undefined;
  if (t.deleted) {
    // Deleted in the product: not brought in, and a copy imported earlier is kept as it is.
    w.tally.skip('tickets', `deleted in ${w.source}`);
    return;
  }
  if (current && ref?.source_updated_at === t.updatedAt) {
    w.tally.skip('tickets', 'unchanged since the last import');
    return;
  }
  const fields = accept(ImportedTicket, { subject: t.subject, tags: t.tags }, 'tickets', t.externalId);
  const contactId = await requesterContact(w, t.requester, t);
  const assignee = t.assignee === null ? null : ((await findRef(db, w.source, 'user', t.assignee))?.local_id ?? null);

  const id = current?.id ?? importedId('ticket', w.source, t.externalId, t.createdAt);
  const before = current ? await getTicket(w.ctx, id) : null;
  if (!current) await insertShell(w, id, t, contactId);
  const thread = await applyThread(w, id, contactId, t.messages);

  const firstReply = t.messages.find((m) => m.sender === 'agent' && !m.internal)?.createdAt ?? null;
  const row: TicketUpdate = {
    subject: fields.subject,
    status: t.status,
    priority: t.priority,
    contact_id: contactId,
    assigned_to: assignee,
    created_at: t.createdAt,
    updated_at: current ? later(current.updated_at, t.updatedAt) : later(t.createdAt, t.updatedAt),
    resolved_at: isDone(t.status) ? (current?.resolved_at ?? t.updatedAt) : null,
    first_response_at: earliest(current?.first_response_at ?? null, firstReply),
    ...(current ? {} : { description: thread.firstBody ?? '' }),
    ...(await slaDueTimes(db, t.priority, t.createdAt)),
  };
  const changes = current ? diff(current, row) : row;
  if (Object.keys(changes).length > 0) await db.updateTable('tickets').set(changes).where('id', '=', id).execute();

  const tags = fields.tags ?? [];
  const tagsChanged = !sameSet(current ? await tagNamesOf(db, [id]) : [], tags);
  if (tagsChanged) await setTicketTags(w.ctx, id, tags, w.now);
  if (!current || thread.changed || changes.subject !== undefined) await reindexTicket(w, id);

  const lastCustomer = t.messages.filter((m) => m.sender === 'customer').at(-1)?.createdAt;
  if (lastCustomer) await markContactSeen(db, contactId, lastCustomer);

  const after = await getTicket(w.ctx, id);
  if (!before) {
    await recordEvent(w.ctx, { type: 'ticket.created', resourceType: 'ticket', resourceId: id, data: { ticket: after } });
    w.tally.add('tickets', 'created');
  } else {
    const changed = changedFields(before, after);
    if (before.updatedAt !== after.updatedAt) changed.push('updatedAt');
    if (changed.length > 0 || thread.changed) {
      await recordEvent(w.ctx, { type: 'ticket.updated', resourceType: 'ticket', resourceId: id, data: { ticket: after, changes: changed } });
      w.tally.add('tickets', 'updated');
    } else {
      w.tally.skip('tickets', 'unchanged');
    }
  }
  for (const message of thread.inserted) await recordMessageCreated(w.ctx, message, id);
  await saveRef(db, { source: w.source, kind: 'ticket', externalId: t.externalId, localId: id, sourceUpdatedAt: t.updatedAt, linked: false });
}

/** The row with what NOT NULL needs; the thread goes in next, then the rest of the fields. */
async function insertShell(w: WriteScope, id: string, t: SourceTicket, contactId: string): Promise<void> {
  await w.ctx.db
    .insertInto('tickets')
    .values({
      id,
      subject: t.subject,
      description: '',
      status: t.status,
      priority: t.priority,
      contact_id: contactId,
      assigned_to: null,
      project_id: null,
      conversation_id: null,
      first_response_due_at: t.createdAt,
      resolution_due_at: t.createdAt,
      first_response_at: null,
      resolved_at: null,
      created_at: t.createdAt,
      updated_at: t.createdAt,
      external_id: `${w.source}:${t.externalId}`,
    })
    .execute();
}

/**
 * The ticket's search entry from its row and whole thread (imported and local messages alike),
 * the way POST /tickets and the export import build it: every message but the first when that
 * one is the description.
 */
async function reindexTicket(w: WriteScope, id: string): Promise<void> {
  const { db } = w.ctx;
  const row = await db.selectFrom('tickets').select(['seq', 'subject', 'description']).where('id', '=', id).executeTakeFirstOrThrow();
  const bodies = await db.selectFrom('messages').select('body').where('ticket_id', '=', id).orderBy('created_at').orderBy('id').execute();
  const rest = bodies[0]?.body === row.description ? bodies.slice(1) : bodies;
  await db.deleteFrom('ticket_fts').where('rowid', '=', row.seq).execute();
  await sql`insert into ticket_fts (rowid, subject, description, messages)
    values (${row.seq}, ${row.subject}, ${row.description}, ${rest.map((m) => m.body).join('\n')})`.execute(db);
}

function diff(current: TicketRow, wanted: TicketUpdate): TicketUpdate {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) if (current[key as keyof TicketRow] !== value) out[key] = value;
  return out as TicketUpdate;
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}
