// A contact's entry in the contact search index (contact_fts), written in the same transaction
// as the contact itself.
import { sql } from 'kysely';
import type { ContactRow, Db } from '../../../db/schema.ts';

type SearchFields = Pick<ContactRow, 'id' | 'name' | 'email' | 'company'>;

/** Adds a new contact's search entry, in the transaction that inserts the contact. */
export async function indexContact(db: Db, contact: SearchFields): Promise<void> {
  const { id, name, email, company } = contact;
  // Raw SQL: the typed table makes the rowid required, and SQLite is to assign it here.
  await sql`insert into contact_fts (contact_id, name, email, company)
    values (${id}, ${name ?? ''}, ${email}, ${company ?? ''})`.execute(db);
}

/**
 * Search entries are found by contact_id, never by rowid: contacts has no integer primary key,
 * so VACUUM may renumber its rowids. contact_id is unindexed, so this scans the entries (a few
 * ms at 20,000 contacts): paid only by a contact's PATCH or delete, which are rare.
 */
export async function unindexContact(db: Db, contactId: string): Promise<void> {
  await db.deleteFrom('contact_fts').where('contact_id', '=', contactId).execute();
}

/** Replaces a changed contact's entry; replacing also heals an entry that went missing. */
export async function reindexContact(db: Db, contact: SearchFields): Promise<void> {
  await unindexContact(db, contact.id);
  await indexContact(db, contact);
}
