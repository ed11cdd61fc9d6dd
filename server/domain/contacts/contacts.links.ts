// Contact helpers that tickets and conversations use inside their own transactions.
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import { type Actor, recordEvent } from '../events/events.record.ts';
import { newId } from '../../core/ids.ts';
import type { ContactRow, Database } from '../../../db/schema.ts';

/** Links to the contact with this (lower-cased) email, creating it if there is none. */
export async function findOrCreateContact(
  trx: Kysely<Database>,
  clock: Clock,
  actor: Actor,
  email: string,
  now: string,
): Promise<ContactRow> {
  const existing = await trx
    .selectFrom('contacts')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
  if (existing) return existing;
  const row: ContactRow = {
    id: newId('contact', clock),
    name: null,
    email,
    company: null,
    last_seen_at: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('contacts').values(row).execute();
  await indexContact(trx, row);
  await recordEvent(trx, clock, actor, {
    type: 'contact.created',
    resourceType: 'contact',
    resourceId: row.id,
    data: { contact: { id: row.id, name: null, email, company: null, createdAt: now } },
  });
  return row;
}

/** Every customer message, ticket or conversation from a contact moves its lastSeenAt. */
export async function markContactSeen(
  trx: Kysely<Database>,
  contactId: string,
  now: string,
): Promise<void> {
  await trx
    .updateTable('contacts')
    .set({ last_seen_at: now })
    .where('id', '=', contactId)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', now)]))
    .execute();
}

type SearchFields = Pick<ContactRow, 'id' | 'name' | 'email' | 'company'>;

/** Adds a new contact's search entry, in the transaction that inserts the contact. */
export async function indexContact(trx: Kysely<Database>, contact: SearchFields): Promise<void> {
  const { id, name, email, company } = contact;
  // Raw SQL: the typed table makes the rowid required, and SQLite is to assign it here.
  await sql`insert into contact_fts (contact_id, name, email, company)
    values (${id}, ${name ?? ''}, ${email}, ${company ?? ''})`.execute(trx);
}

/**
 * Search entries are found by contact_id, never by rowid: contacts has no integer primary key,
 * so VACUUM may renumber its rowids. contact_id is unindexed, so this scans the entries (a few
 * ms at 20,000 contacts): paid only by a contact's PATCH or delete, which are rare.
 */
export async function unindexContact(trx: Kysely<Database>, contactId: string): Promise<void> {
  await trx.deleteFrom('contact_fts').where('contact_id', '=', contactId).execute();
}

/** Replaces a changed contact's entry; replacing also heals an entry that went missing. */
export async function reindexContact(trx: Kysely<Database>, contact: SearchFields): Promise<void> {
  await unindexContact(trx, contact.id);
  await indexContact(trx, contact);
}
