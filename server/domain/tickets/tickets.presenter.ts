// Reading tickets the way the API presents them: used by every route, and by the write rules
// to put the ticket into event payloads.
import { type Kysely, sql } from 'kysely';
import { prepared } from '../../../db/prepared.ts';
import { slaBreachedSql } from '../sla/sla.sql.ts';
import type { Database, TicketRow } from '../../../db/schema.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import { presentMessage } from './messages.presenter.ts';
import { tagNamesSql } from '../tags/ticketTags.ts';
import type { TicketT } from '../../../common/contract/tickets.ts';

type Db = Kysely<Database>;
export type TicketReadRow = TicketRow & { contact_email: string; sla_breached: number; tag_names: string };

export function presentTicket(row: TicketReadRow): TicketT {
  return {
    id: row.id,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    contactId: row.contact_id,
    contactEmail: row.contact_email,
    assignedTo: row.assigned_to,
    projectId: row.project_id,
    tags: (JSON.parse(row.tag_names) as string[]).sort(),
    conversationId: row.conversation_id,
    sla: {
      firstResponseDueAt: row.first_response_due_at,
      resolutionDueAt: row.resolution_due_at,
      breached: row.sla_breached === 1,
    },
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a ticket's presentation needs beyond its row (`t`, joined with its contact `c`). */
export function presentationColumns(now: string) {
  return [
    'c.email as contact_email',
    slaBreachedSql('t', now).as('sla_breached'),
    tagNamesSql('t').as('tag_names'),
  ] as const;
}

/** Tickets joined with what their presentation needs, with the SLA judged as of `now`. */
function selectTickets(db: Db, now: string) {
  return db
    .selectFrom('tickets as t')
    .innerJoin('contacts as c', 'c.id', 't.contact_id')
    .selectAll('t')
    .select(presentationColumns(now));
}

// The hot reads, compiled once (db/prepared.ts).
const ticketById = prepared((db: Db, id: string, now: string) =>
  selectTickets(db, now).where('t.id', '=', id),
);
/** `seqs` is a JSON array: one statement serves every page size. */
const ticketsBySeqJson = prepared((db: Db, seqs: string, now: string) =>
  selectTickets(db, now).where('t.seq', 'in', sql<number>`(select value from json_each(${seqs}))`),
);
const threadOf = prepared((db: Db, ticketId: string) =>
  db.selectFrom('messages').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id'),
);

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

export async function getTicket(db: Db, clock: Clock, id: string): Promise<TicketT> {
  const [row] = await ticketById(db, id, nowIso(clock));
  if (!row) throw notFound('ticket', id);
  return presentTicket(row);
}

export async function getTicketWithMessages(db: Db, clock: Clock, id: string) {
  const ticket = await getTicket(db, clock, id);
  const messages = await threadOf(db, id);
  return { ...ticket, messages: messages.map(presentMessage) };
}
