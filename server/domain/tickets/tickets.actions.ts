// Actions that touch many tickets in one transaction: bulk edit, merge and delete. Every ticket
// change goes through applyTicketChanges, so these follow the same rules as PATCH.
import type { Kysely } from 'kysely';
import type { Database, MessageRow, TicketRow } from '../../../db/schema.ts';
import { type Actor, recordEvent } from '../events/events.record.ts';
import { presentMessage } from './messages.presenter.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { type FieldError, badRequest, conflict, invalidField, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { assertProjectUsable } from '../projects/projects.usable.ts';
import { assertAssignable } from '../users/users.assignable.ts';
import type {
  TicketBulkResultT,
  TicketBulkUpdateInput,
  TicketMergeInput,
} from '../../../common/contract/ticketActions.ts';
import { appendToSearch, applyTicketChanges, loadTicket } from './tickets.changes.ts';
import { getTicket, getTicketWithMessages } from './tickets.presenter.ts';
import { transact } from '../../../db/transact.ts';

type Db = Kysely<Database>;

/** The tickets with these ids, keyed by id (ids that match none are simply absent). */
async function ticketsById(trx: Db, ids: readonly string[]): Promise<Map<string, TicketRow>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('tickets').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Applies the same change to every listed ticket, all or nothing: one failing change (an
 * inactive assignee, an archived project) rolls back every other. Unknown ids are reported,
 * not treated as a failure.
 */
export async function bulkUpdateTickets(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: TicketBulkUpdateInput,
): Promise<TicketBulkResultT> {
  const now = nowIso(clock);
  const ids = [...new Set(input.ids)];
  const { set } = input;
  return transact(db, async (trx) => {
    // Checked once up front so the error names the field as the client sent it.
    if (set.assignedTo) await assertAssignable(trx, set.assignedTo, 'set.assignedTo');
    if (set.projectId) await assertProjectUsable(trx, set.projectId, 'set.projectId');
    const found = await ticketsById(trx, ids);
    for (const id of ids) {
      const current = found.get(id);
      if (current) await applyTicketChanges(trx, clock, actor, current, set, now);
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

/** Names of the tags carried by any of these tickets. */
async function tagNamesOf(trx: Db, ticketIds: readonly string[]): Promise<string[]> {
  const rows = await trx
    .selectFrom('ticket_tags as tt')
    .innerJoin('tags as g', 'g.id', 'tt.tag_id')
    .select('g.name')
    .distinct()
    .where('tt.ticket_id', 'in', ticketIds)
    .execute();
  return rows.map((row) => row.name);
}

/**
 * Moves every message of one source into the target (ids and times kept), makes them
 * searchable there, and leaves the source closed with a system note pointing at the target.
 * Returns the moved rows' earliest visible agent reply time, if any.
 */
async function absorbSource(
  trx: Db,
  clock: Clock,
  actor: Actor,
  target: TicketRow,
  source: TicketRow,
  now: string,
): Promise<string | null> {
  const moved = await trx
    .selectFrom('messages')
    .select(['body', 'sender', 'internal', 'created_at'])
    .where('ticket_id', '=', source.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  await trx
    .updateTable('messages')
    .set({ ticket_id: target.id })
    .where('ticket_id', '=', source.id)
    .execute();
  // One append, newline-separated: the same search text as one append per message.
  if (moved.length > 0) await appendToSearch(trx, target.id, moved.map((m) => m.body).join('\n'));

  // The source's search entry no longer holds those messages; only its note is left.
  await trx.updateTable('ticket_fts').set({ messages: '' }).where('rowid', '=', source.seq).execute();
  const note: MessageRow = {
    id: newId('message', clock),
    ticket_id: source.id,
    conversation_id: null,
    body: `Merged into ${target.id}`,
    sender: 'system',
    author_id: null,
    internal: 0,
    created_at: now,
  };
  await trx.insertInto('messages').values(note).execute();
  await appendToSearch(trx, source.id, note.body);
  await recordEvent(trx, clock, actor, {
    type: 'message.created',
    resourceType: 'message',
    resourceId: note.id,
    data: { message: presentMessage(note), ticketId: source.id },
  });
  await applyTicketChanges(trx, clock, actor, source, { status: 'closed' }, now);

  const reply = moved.find((m) => m.sender === 'agent' && m.internal === 0);
  return reply?.created_at ?? null;
}

/**
 * Merges the source tickets into the target in one transaction: their messages move over,
 * their tags are added, and each source is closed with a system note. A closed source may be
 * merged; a closed target may not (409). The target keeps its status.
 */
export async function mergeTickets(
  db: Db,
  clock: Clock,
  actor: Actor,
  targetId: string,
  input: TicketMergeInput,
) {
  const sourceIds = [...new Set(input.sourceIds)];
  if (sourceIds.includes(targetId)) {
    throw invalidField('sourceIds', 'cannot merge a ticket into itself');
  }
  const now = nowIso(clock);
  await transact(db, async (trx) => {
    const target = await loadTicket(trx, targetId);
    const sources = await ticketsById(trx, sourceIds);
    assertSourcesFound(input.sourceIds, sources);
    if (target.status === 'closed') {
      throw conflict(`ticket ${targetId} is closed; reopen it before merging into it`, {
        status: target.status,
      });
    }

    let firstResponseAt = target.first_response_at;
    for (const source of sourceIds.flatMap((id) => sources.get(id) ?? [])) {
      const replyAt = await absorbSource(trx, clock, actor, target, source, now);
      if (replyAt !== null && (firstResponseAt === null || replyAt < firstResponseAt)) {
        firstResponseAt = replyAt;
      }
    }

    if (firstResponseAt !== target.first_response_at) {
      await trx
        .updateTable('tickets')
        .set({ first_response_at: firstResponseAt })
        .where('id', '=', target.id)
        .execute();
    }
    const addTags = await tagNamesOf(trx, sourceIds);
    await applyTicketChanges(trx, clock, actor, await loadTicket(trx, targetId), { addTags }, now);
    await recordEvent(trx, clock, actor, {
      type: 'ticket.merged',
      resourceType: 'ticket',
      resourceId: targetId,
      data: { ticket: await getTicket(trx, clock, targetId), sourceIds },
    });
  });
  return getTicketWithMessages(db, clock, targetId);
}

/**
 * Deletes a ticket with its messages and tag links (foreign-key cascades) and its search entry
 * (kept by hand); a conversation it was made from keeps existing with ticketId null.
 */
export async function deleteTicket(db: Db, clock: Clock, actor: Actor, id: string): Promise<void> {
  await transact(db, async (trx) => {
    const row = await trx.selectFrom('tickets').select('seq').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('ticket', id);
    await trx.deleteFrom('ticket_fts').where('rowid', '=', row.seq).execute();
    await trx.deleteFrom('tickets').where('id', '=', id).execute();
    await recordEvent(trx, clock, actor, {
      type: 'ticket.deleted',
      resourceType: 'ticket',
      resourceId: id,
      data: { ticketId: id },
    });
  });
}
