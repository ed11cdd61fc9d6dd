// Actions that touch many tickets in one transaction: bulk edit, merge and delete. Every ticket
// change goes through applyTicketChanges, so these follow the same rules as PATCH.
import type { Db, MessageRow, TicketRow } from '../../../db/schema.ts';
import type {
  TicketBulkResultT,
  TicketBulkUpdateInput,
  TicketMergeInput,
} from '../../../common/contract/ticketActions.ts';
import type { TicketWithMessagesT } from '../../../common/contract/tickets.ts';
import { nowIso } from '../../core/clock.ts';
import { type FieldError, badRequest, conflict, invalidField, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { assertProjectUsable } from '../projects/projects.service.ts';
import { tagNamesOf } from '../tags/ticketTags.ts';
import { assertAssignable } from '../users/users.service.ts';
import { appendToSearch, applyTicketChanges, recordMessageCreated } from './tickets.changes.ts';
import { getTicket, getTicketWithMessages, loadTicket } from './tickets.read.ts';

/** The tickets with these ids, keyed by id (ids that match none are simply absent). */
async function ticketsById(db: Db, ids: readonly string[]): Promise<Map<string, TicketRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('tickets').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Applies the same change to every listed ticket, all or nothing: one failing change (an
 * inactive assignee, an archived project) rolls back every other. Unknown ids are reported,
 * not treated as a failure.
 */
export async function bulkUpdateTickets(ctx: Ctx, input: TicketBulkUpdateInput): Promise<TicketBulkResultT> {
  const now = nowIso(ctx.clock);
  const ids = [...new Set(input.ids)];
  const { set } = input;
  return inTransaction(ctx, async (tx) => {
    // Checked once up front so the error names the field as the client sent it.
    if (set.assignedTo) await assertAssignable(tx.db, set.assignedTo, 'set.assignedTo');
    if (set.projectId) await assertProjectUsable(tx.db, set.projectId, 'set.projectId');
    const found = await ticketsById(tx.db, ids);
    for (const id of ids) {
      const current = found.get(id);
      if (current) await applyTicketChanges(tx, current, set, now);
    }
    return { updated: found.size, notFound: ids.filter((id) => !found.has(id)) };
  });
}

/** 400 naming each source id (by its position in the request) that matches no ticket. */
function assertSourcesFound(requested: readonly string[], found: Map<string, TicketRow>): void {
  const errors: FieldError[] = [];
  const reported = new Set<string>();
  requested.forEach((id, index) => {
    if (found.has(id) || reported.has(id)) return;
    reported.add(id);
    errors.push({ path: `sourceIds.${index}`, message: `no ticket ${id}` });
  });
  if (errors.length > 0) {
    const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw badRequest(`invalid body: ${summary}`, errors);
  }
}

/**
 * Moves every message of one source into the target (ids and times kept), makes them
 * searchable there, and leaves the source closed with a system note pointing at the target.
 * Returns the moved rows' earliest visible agent reply time, if any.
 */
async function absorbSource(ctx: Ctx, target: TicketRow, source: TicketRow, now: string): Promise<string | null> {
  const { db } = ctx;
  const moved = await db
    .selectFrom('messages')
    .select(['body', 'sender', 'internal', 'created_at'])
    .where('ticket_id', '=', source.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  await db
    .updateTable('messages')
    .set({ ticket_id: target.id })
    .where('ticket_id', '=', source.id)
    .execute();
  // One append, newline-separated: the same search text as one append per message.
  if (moved.length > 0) await appendToSearch(db, target.id, moved.map((m) => m.body).join('\n'));

  // The source's search entry no longer holds those messages; only its note is left.
  await db.updateTable('ticket_fts').set({ messages: '' }).where('rowid', '=', source.seq).execute();
  const note: MessageRow = {
    id: newId('message', ctx.clock),
    ticket_id: source.id,
    conversation_id: null,
    body: `Merged into ${target.id}`,
    sender: 'system',
    author_id: null,
    internal: 0,
    created_at: now,
  };
  await db.insertInto('messages').values(note).execute();
  await appendToSearch(db, source.id, note.body);
  await recordMessageCreated(ctx, note, source.id);
  await applyTicketChanges(ctx, source, { status: 'closed' }, now);

  const reply = moved.find((m) => m.sender === 'agent' && m.internal === 0);
  return reply?.created_at ?? null;
}

/**
 * Merges the source tickets into the target in one transaction: their messages move over,
 * their tags are added, and each source is closed with a system note. A closed source may be
 * merged; a closed target may not (409). The target keeps its status.
 */
export async function mergeTickets(ctx: Ctx, targetId: string, input: TicketMergeInput): Promise<TicketWithMessagesT> {
  const sourceIds = [...new Set(input.sourceIds)];
  if (sourceIds.includes(targetId)) {
    throw invalidField('sourceIds', 'cannot merge a ticket into itself');
  }
  const now = nowIso(ctx.clock);
  await inTransaction(ctx, async (tx) => {
    const { db } = tx;
    const target = await loadTicket(db, targetId);
    const sources = await ticketsById(db, sourceIds);
    assertSourcesFound(input.sourceIds, sources);
    if (target.status === 'closed') {
      throw conflict(`ticket ${targetId} is closed; reopen it before merging into it`, {
        status: target.status,
      });
    }

    let firstResponseAt = target.first_response_at;
    for (const source of sourceIds.flatMap((id) => sources.get(id) ?? [])) {
      const replyAt = await absorbSource(tx, target, source, now);
      if (replyAt !== null && (firstResponseAt === null || replyAt < firstResponseAt)) {
        firstResponseAt = replyAt;
      }
    }

    if (firstResponseAt !== target.first_response_at) {
      await db
        .updateTable('tickets')
        .set({ first_response_at: firstResponseAt })
        .where('id', '=', target.id)
        .execute();
    }
    const addTags = await tagNamesOf(db, sourceIds);
    await applyTicketChanges(tx, await loadTicket(db, targetId), { addTags }, now);
    await recordEvent(tx, {
      type: 'ticket.merged',
      resourceType: 'ticket',
      resourceId: targetId,
      data: { ticket: await getTicket(tx, targetId), sourceIds },
    });
  });
  return getTicketWithMessages(ctx, targetId);
}

/**
 * Deletes a ticket with its messages and tag links (foreign-key cascades) and its search entry
 * (kept by hand); a conversation it was made from keeps existing with ticketId null.
 */
export async function deleteTicket(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await tx.db.selectFrom('tickets').select('seq').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('ticket', id);
    await tx.db.deleteFrom('ticket_fts').where('rowid', '=', row.seq).execute();
    await tx.db.deleteFrom('tickets').where('id', '=', id).execute();
    await recordEvent(tx, {
      type: 'ticket.deleted',
      resourceType: 'ticket',
      resourceId: id,
      data: { ticketId: id },
    });
  });
}
