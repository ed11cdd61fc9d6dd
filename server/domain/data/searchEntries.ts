// The search entries of tickets, conversations and contacts, written from their rows: what an
// import (importRows.ts) and a replica applying the host's changes (../sync/apply.ts) both need
// after writing rows directly, without the services that keep the entries up to date otherwise.
import { type RawBuilder, sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { Db } from '../../../db/schema.ts';

/** A thread's text: its messages (those `on` selects) in (time, id) order, one per line. */
function joinedMessages(trx: Db, on: RawBuilder<unknown>): RawBuilder<string> {
  const thread = dialectOf(trx).joinedText(sql.ref('x.body'), '\n', sql`x.created_at, x.id`);
  return sql`coalesce((select ${thread} from messages x where ${on}), '')`;
}

/**
 * Inserts the entries of the tickets `which` selects (a condition on `t`). A ticket's entry
 * holds every message but the first when that one is the description.
 */
export function ticketEntries(trx: Db, which: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into ticket_fts (rowid, subject, description, messages)
    select t.seq, t.subject, t.description, ${joinedMessages(trx, sql`x.ticket_id = t.id and not (x.body = t.description and x.id = (
        select f.id from messages f where f.ticket_id = t.id order by f.created_at, f.id limit 1))`)}
    from tickets t where ${which}`;
}

/** Inserts the entries of the conversations `which` selects (a condition on `c`). */
export function conversationEntries(trx: Db, which: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into conversation_fts (rowid, subject, messages)
    select c.seq, c.subject, ${joinedMessages(trx, sql`x.conversation_id = c.id`)}
    from conversations c where ${which}`;
}

/** Inserts the entries of the contacts `which` selects (a condition on `contacts`). */
export function contactEntries(which: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into contact_fts (contact_id, name, email, company)
    select id, coalesce(name, ''), email, coalesce(company, '') from contacts where ${which}`;
}
