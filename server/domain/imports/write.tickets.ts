// Source tickets → tickets with their status, priority, tags, requester, assignee and thread, and
// the product's created and updated times kept (not createTicket: that one starts every ticket
// `open`, now, with a new first message). SLA due times are computed from the original creation
// time; firstResponseAt is the first public agent reply; resolvedAt, for a ticket resolved or
// closed in the product, its last update. A ticket unchanged in the product since the last import
// is skipped whole, which also leaves alone what agents have changed here since.
import { sql } from 'kysely';
import { prepared } from '../../../db/prepared.ts';
import type { Db, TicketRow, TicketUpdate } from '../../../db/schema.ts';
import { TicketCreate } from '../../../common/contract/tickets.ts';
import { isDone } from '../../../common/rules/tickets.ts';
import { changedFields, recordEvent } from '../events/events.record.ts';
import { markContactSeen } from '../contacts/contacts.service.ts';
import { slaDueTimes } from '../sla/sla.service.ts';
import { ensureTags, setTicketTags, tagNamesOf } from '../tags/ticketTags.ts';
import { recordMessageCreated } from '../tickets/tickets.changes.ts';
import { getTicket } from '../tickets/tickets.read.ts';
import type { SourceTicket } from './sources/types.ts';
import { requesterContact } from './write.contacts.ts';
import { type Accepted, acceptThread, writeThread } from './write.messages.ts';
import { importedId } from './ids.ts';
import { findRef, saveRef } from './refs.ts';
import { type WriteScope, accept, later } from './scope.ts';

const ImportedTicket = TicketCreate.pick({ subject: true, tags: true });

const ticketRowById = prepared((db: Db, id: string) => db.selectFrom('tickets').selectAll().where('id', '=', id));
const ticketRowByOrigin = prepared((db: Db, externalId: string) => db.selectFrom('tickets').selectAll().where('external_id', '=', externalId));
const insertTicket = prepared(
  (
    db: Db,
    id: string,
    subject: string,
    description: string,
    status: TicketRow['status'],
    priority: TicketRow['priority'],
    contactId: string,
    assignedTo: string | null,
    firstResponseDueAt: string,
    resolutionDueAt: string,
    firstResponseAt: string | null,
    resolvedAt: string | null,
    createdAt: string,
    updatedAt: string,
    externalId: string,
  ) =>
    db
      .insertInto('tickets')
      .values({
        id,
        subject,
        description,
        status,
        priority,
        contact_id: contactId,
        assigned_to: assignedTo,
        project_id: null,
        conversation_id: null,
        first_response_due_at: firstResponseDueAt,
        resolution_due_at: resolutionDueAt,
        first_response_at: firstResponseAt,
        resolved_at: resolvedAt,
        created_at: createdAt,
        updated_at: updatedAt,
        external_id: externalId,
      })
      .returning('seq'),
);

interface Plan {
  t: SourceTicket;
  subject: string;
  tags: string[];
  accepted: Accepted[];
  contactId: string;
  assignee: string | null;
  firstReply: string | null;
}

export async function applyTicket(w: WriteScope, t: SourceTicket): Promise<void> {
  const { db } = w.ctx;
  const ref = await findRef(db, w.source, 'ticket', t.externalId);
  // Without its ref (a database restored from an export), the ticket is still found by origin.
  const current = ref ? (await ticketRowById(db, ref.local_id))[0] : (await ticketRowByOrigin(db, `${w.source}:${t.externalId}`))[0];
  if (t.deleted) {
    // Deleted in the product: not brought in, and a copy imported earlier is kept as it is.
    w.tally.skip('tickets', `deleted in ${w.source}`);
    return;
  }
  // Unchanged, unless a file missing from an earlier run was downloaded for it now.
  const filesCame = t.messages.some((m) => m.attachments.some((a) => w.files.has(a.externalId)));
  if (current && ref?.source_updated_at === t.updatedAt && !filesCame) {
    w.tally.skip('tickets', 'unchanged since the last import');
    return;
  }
  const fields = accept(ImportedTicket, { subject: t.subject, tags: t.tags }, 'tickets', t.externalId);
  const accepted = acceptThread(w, t.messages);
  const plan: Plan = {
    t,
    subject: fields.subject,
    tags: fields.tags ?? [],
    accepted,
    contactId: await requesterContact(w, t.requester, t),
    assignee: t.assignee === null ? null : ((await findRef(db, w.source, 'user', t.assignee))?.local_id ?? null),
    firstReply: accepted.find((a) => a.message.sender === 'agent' && !a.message.internal)?.message.createdAt ?? null,
  };
  const id = current ? await updateImported(w, current, plan) : await createImported(w, plan);
  const lastCustomer = accepted.filter((a) => a.message.sender === 'customer').at(-1)?.message.createdAt;
  if (lastCustomer) await markContactSeen(db, plan.contactId, lastCustomer);
  await saveRef(db, { source: w.source, kind: 'ticket', externalId: t.externalId, localId: id, sourceUpdatedAt: t.updatedAt, linked: false });
}

/** A new ticket: every row written once, complete (an update after the insert costs 13 indexes). */
async function createImported(w: WriteScope, p: Plan): Promise<string> {
  const { db } = w.ctx;
  const { t } = p;
  const id = importedId('ticket', w.source, t.externalId, t.createdAt);
  const description = p.accepted[0]?.body ?? '';
  const due = await slaDueTimes(db, t.priority, t.createdAt);
  const [inserted] = await insertTicket(
    db,
    id,
    p.subject,
    description,
    t.status,
    t.priority,
    p.contactId,
    p.assignee,
    due.first_response_due_at,
    due.resolution_due_at,
    p.firstReply,
    isDone(t.status) ? t.updatedAt : null,
    t.createdAt,
    later(t.createdAt, t.updatedAt),
    `${w.source}:${t.externalId}`,
  );
  const seq = (inserted as { seq: number }).seq;
  const thread = await writeThread(w, id, p.contactId, p.accepted, true);
  if (p.tags.length > 0) {
    const tagIds = await ensureTags(w.ctx, p.tags, w.now);
    await db.insertInto('ticket_tags').values(tagIds.map((tagId) => ({ ticket_id: id, tag_id: tagId }))).execute();
  }
  // The search entry as reindexTicket builds it: the thread in (time, id) order, without the
  // first message when it is the description.
  const ordered = [...thread.inserted].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  const others = ordered[0]?.body === description ? ordered.slice(1) : ordered;
  await sql`insert into ticket_fts (rowid, subject, description, messages)
    values (${seq}, ${p.subject}, ${description}, ${others.map((m) => m.body).join('\n')})`.execute(db);
  await recordEvent(w.ctx, { type: 'ticket.created', resourceType: 'ticket', resourceId: id, data: { ticket: await getTicket(w.ctx, id) } });
  for (const message of thread.inserted) await recordMessageCreated(w.ctx, message, id);
  w.tally.add('tickets', 'created');
  return id;
}

/** A ticket imported before that changed in the product since: the product's fields win. */
async function updateImported(w: WriteScope, current: TicketRow, p: Plan): Promise<string> {
  const { db } = w.ctx;
  const { t } = p;
  const id = current.id;
  const before = await getTicket(w.ctx, id);
  const thread = await writeThread(w, id, p.contactId, p.accepted, false);
  const wanted: TicketUpdate = {
    subject: p.subject,
    status: t.status,
    priority: t.priority,
    contact_id: p.contactId,
    assigned_to: p.assignee,
    created_at: t.createdAt,
    updated_at: later(current.updated_at, t.updatedAt),
    resolved_at: isDone(t.status) ? (current.resolved_at ?? t.updatedAt) : null,
    first_response_at: earliest(current.first_response_at, p.firstReply),
    ...(await slaDueTimes(db, t.priority, t.createdAt)),
  };
  const changes = diff(current, wanted);
  if (Object.keys(changes).length > 0) await db.updateTable('tickets').set(changes).where('id', '=', id).execute();
  if (!sameSet(await tagNamesOf(db, [id]), p.tags)) await setTicketTags(w.ctx, id, p.tags, w.now);
  if (thread.changed || changes.subject !== undefined) await reindexTicket(w, id);

  const after = await getTicket(w.ctx, id);
  const changed = changedFields(before, after);
  if (before.updatedAt !== after.updatedAt) changed.push('updatedAt');
  if (changed.length > 0 || thread.changed) {
    await recordEvent(w.ctx, { type: 'ticket.updated', resourceType: 'ticket', resourceId: id, data: { ticket: after, changes: changed } });
    w.tally.add('tickets', 'updated');
  } else {
    w.tally.skip('tickets', 'unchanged');
  }
  for (const message of thread.inserted) await recordMessageCreated(w.ctx, message, id);
  return id;
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
