// Reading tickets the way the API presents them: used by every route, and by the write rules
// to put the ticket into event payloads.
import { sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import { prepared } from '../../../db/prepared.ts';
import type { Db, TicketRow } from '../../../db/schema.ts';
import type { TicketT, TicketWithMessagesT } from '../../../common/contract/tickets.ts';
import { nowIso } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import type { Ctx } from '../context.ts';
import { attachmentsOfMessages } from '../attachments/attachments.presenter.ts';
import { presentMessage, presentTicket, presentationColumns } from './tickets.presenter.ts';
import { mailPartsOfTicket } from '../mail/mail.read.ts';

/** Tickets joined with what their presentation needs, with the SLA judged as of `now`. */
function selectTickets(db: Db, now: string) {
  return db
    .selectFrom('tickets as t')
    .innerJoin('contacts as c', 'c.id', 't.contact_id')
    .selectAll('t')
    .select(presentationColumns(db, now));
}

// The hot reads, compiled once (db/prepared.ts).
const ticketById = prepared((db: Db, id: string, now: string) =>
  selectTickets(db, now).where('t.id', '=', id),
);
/**
 * The same, saying whether any of its messages travelled by mail (1 or 0 on SQLite, a boolean
 * on PostgreSQL): one probe of an index inside the query, so a thread reads the mail side only
 * when there is one.
 */
const ticketWithMailFlag = prepared((db: Db, id: string, now: string) =>
  selectTickets(db, now)
    .select(sql<number | boolean>`exists (select 1 from message_mail mm where mm.ticket_id = t.id)`.as('has_mail'))
    .where('t.id', '=', id),
);
/** `seqs` is a JSON array: one statement serves every page size. */
const ticketsBySeqJson = prepared((db: Db, seqs: string, now: string) =>
  selectTickets(db, now).where('t.seq', 'in', dialectOf(db).jsonArrayValues(seqs, 'integer')),
);
const threadOf = prepared((db: Db, ticketId: string) =>
  db.selectFrom('messages').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id'),
);

/** The stored row of a ticket (what the write rules work from), or 404. */
export async function loadTicket(db: Db, id: string): Promise<TicketRow> {
  const row = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('ticket', id);
  return row;
}

/** The tickets with these seqs, presented, in the order given (missing ones are skipped). */
export async function ticketsBySeq(db: Db, now: string, seqs: readonly number[]): Promise<TicketT[]> {
  if (seqs.length === 0) return [];
  const rows = await ticketsBySeqJson(db, JSON.stringify(seqs), now);
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  return seqs.flatMap((seq) => {
    const row = bySeq.get(seq);
    return row ? [presentTicket(row)] : [];
  });
}

export async function getTicket(ctx: Ctx, id: string): Promise<TicketT> {
  const [row] = await ticketById(ctx.db, id, nowIso(ctx.clock));
  if (!row) throw notFound('ticket', id);
  return presentTicket(row);
}

export async function getTicketWithMessages(ctx: Ctx, id: string): Promise<TicketWithMessagesT> {
  const [row] = await ticketWithMailFlag(ctx.db, id, nowIso(ctx.clock));
  if (!row) throw notFound('ticket', id);
  const messages = await threadOf(ctx.db, id);
  const [files, mail] = await Promise.all([
    attachmentsOfMessages(ctx.db, messages.map((m) => m.id)),
    row.has_mail ? mailPartsOfTicket(ctx.db, id) : null,
  ]);
  return { ...presentTicket(row), messages: messages.map((m) => presentMessage(m, files.get(m.id), mail?.get(m.id))) };
}
