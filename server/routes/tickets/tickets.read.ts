// Reading tickets the way the API presents them: used by every route, and by the write rules
// to put the ticket into event payloads.
import type { Kysely } from 'kysely';
import { slaBreachedSql } from '../../../db/queries/sla.ts';
import type { Database, TicketRow } from '../../../db/schema.ts';
import { type Clock, nowIso } from '../../clock.ts';
import { notFound } from '../../errors.ts';
import { presentMessage } from './messages.ts';
import { tagNamesSql } from './tags.ts';
import type { TicketT } from './tickets.schema.ts';

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

async function findTicket(db: Db, clock: Clock, id: string): Promise<TicketReadRow> {
  const row = await selectTickets(db, nowIso(clock)).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('ticket', id);
  return row;
}

/** The tickets with these seqs, presented, in the order given (missing ones are skipped). */
export async function ticketsBySeq(db: Db, now: string, seqs: readonly number[]): Promise<TicketT[]> {
  if (seqs.length === 0) return [];
  const rows = await selectTickets(db, now).where('t.seq', 'in', seqs).execute();
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  return seqs.flatMap((seq) => {
    const row = bySeq.get(seq);
    return row ? [presentTicket(row)] : [];
  });
}

export async function getTicket(db: Db, clock: Clock, id: string): Promise<TicketT> {
  return presentTicket(await findTicket(db, clock, id));
}

export async function getTicketWithMessages(db: Db, clock: Clock, id: string) {
  const ticket = await getTicket(db, clock, id);
  const messages = await db
    .selectFrom('messages')
    .selectAll()
    .where('ticket_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { ...ticket, messages: messages.map(presentMessage) };
}

