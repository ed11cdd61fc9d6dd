// Source customers (end-users, organisations' people) → LocalDesk contacts, company named after
// their organisation. A contact whose e-mail is already here is that contact: linked, and only
// its empty name or company are filled in. Requesters that came with no contact record of their
// own (in an earlier run, or never listed) are found or created from what the ticket says.
import { z } from 'zod';
import { prepared } from '../../../db/prepared.ts';
import type { ContactRow, Db } from '../../../db/schema.ts';
import { ContactCreate } from '../../../common/contract/contacts.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { indexContact, reindexContact } from '../contacts/contacts.search.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import type { SourceContact, SourceRequester, SourceTicket } from './sources/types.ts';
import { importedId, placeholderEmail } from './ids.ts';
import { findRef, saveRef } from './refs.ts';
import { type WriteScope, accept, later } from './scope.ts';
import { Refused } from './tally.ts';

const ImportedContact = ContactCreate.pick({ email: true, name: true, company: true });
const contactById = prepared((db: Db, id: string) => db.selectFrom('contacts').selectAll().where('id', '=', id));
const contactByEmail = prepared((db: Db, email: string) => db.selectFrom('contacts').selectAll().where('email', '=', email));
type Fields = z.output<typeof ImportedContact>;

/** Applies one contact record; returns the LocalDesk contact id. */
export async function applyContact(w: WriteScope, c: SourceContact): Promise<string> {
  const { db } = w.ctx;
  const found = await findRef(db, w.source, 'contact', c.externalId);
  // Without its ref (a database restored from an export), the contact is still found by its id.
  const id = found?.local_id ?? importedId('contact', w.source, c.externalId, c.createdAt);
  const [current] = await contactById(db, id);
  const ref = found ?? (current ? { local_id: id, source_updated_at: null, linked: 0 } : undefined);
  const saved = (localId: string, linked: boolean) =>
    saveRef(db, { source: w.source, kind: 'contact', externalId: c.externalId, localId, sourceUpdatedAt: c.updatedAt, linked });

  if (ref && current) {
    if (ref.source_updated_at === c.updatedAt) {
      w.tally.skip('contacts', 'unchanged since the last import');
      return current.id;
    }
    const wanted = accept(ImportedContact, { email: c.email ?? current.email, name: c.name, company: c.company }, 'contacts', c.externalId);
    await updateContact(w, current, ref.linked ? fillBlanks(current, wanted) : wanted, c.updatedAt);
    await saved(current.id, ref.linked === 1);
    return current.id;
  }

  const fields = accept(
    ImportedContact,
    { email: c.email ?? placeholderEmail(w.source, c.externalId), name: c.name, company: c.company },
    'contacts',
    c.externalId,
  );
  const [existing] = await contactByEmail(db, fields.email);
  if (existing) {
    await updateContact(w, existing, fillBlanks(existing, fields), existing.updated_at, 'linked');
    await saved(existing.id, true);
    return existing.id;
  }
  const row: ContactRow = {
    id,
    name: fields.name ?? null,
    email: fields.email,
    company: fields.company ?? null,
    last_seen_at: null,
    created_at: c.createdAt,
    updated_at: later(c.createdAt, c.updatedAt),
  };
  await db.insertInto('contacts').values(row).execute();
  await indexContact(db, row);
  await recordEvent(w.ctx, { type: 'contact.created', resourceType: 'contact', resourceId: row.id, data: { contact: await getContact(w.ctx, row.id) } });
  await saved(row.id, false);
  w.tally.add('contacts', 'created');
  return row.id;
}

/** What a linked contact takes from the product: only what it does not have. */
function fillBlanks(current: ContactRow, wanted: Fields): Fields {
  return { email: current.email, name: current.name ?? wanted.name ?? null, company: current.company ?? wanted.company ?? null };
}

async function updateContact(w: WriteScope, current: ContactRow, wanted: Fields, sourceUpdatedAt: string, outcome: 'updated' | 'linked' = 'updated'): Promise<void> {
  const { db } = w.ctx;
  const taken =
    wanted.email !== current.email &&
    (await db.selectFrom('contacts').select('id').where('email', '=', wanted.email).executeTakeFirst()) !== undefined;
  const next = { ...current, email: taken ? current.email : wanted.email, name: wanted.name ?? null, company: wanted.company ?? null };
  const changed = next.email !== current.email || next.name !== current.name || next.company !== current.company;
  if (!changed) {
    if (outcome === 'linked') w.tally.add('contacts', 'linked');
    else w.tally.skip('contacts', 'unchanged');
    return;
  }
  const before = await getContact(w.ctx, current.id);
  await db
    .updateTable('contacts')
    .set({ email: next.email, name: next.name, company: next.company, updated_at: later(current.updated_at, sourceUpdatedAt) })
    .where('id', '=', current.id)
    .execute();
  const after = await getContact(w.ctx, current.id);
  await recordUpdated(w.ctx, { resourceType: 'contact', resourceId: current.id, key: 'contact', before, after, fields: ['email', 'name', 'company'] });
  await reindexContact(db, next);
  w.tally.add('contacts', outcome);
}

/**
 * The contact a ticket's requester is: by the product's id among this source's contacts, then
 * by e-mail (recorded as this source's contact), else created from what the ticket carries. A
 * requester that cannot be a contact (an address the API refuses) refuses the ticket.
 */
export async function requesterContact(w: WriteScope, r: SourceRequester, t: SourceTicket): Promise<string> {
  const { db } = w.ctx;
  if (r.externalId) {
    const ref = await findRef(db, w.source, 'contact', r.externalId);
    if (ref && (await contactById(db, ref.local_id)).length > 0) return ref.local_id;
  }
  const externalId = r.externalId ?? (r.email ? `email:${r.email}` : `requester-of-ticket-${t.externalId}`);
  try {
    // Its own time is unknown: the contact is as old as the ticket, and unchanged since.
    return await applyContact(w, { externalId, name: r.name, email: r.email, company: null, createdAt: t.createdAt, updatedAt: t.createdAt });
  } catch (err) {
    if (err instanceof Refused) throw new Refused('tickets', t.externalId, `its requester cannot be a contact: ${err.reason}`);
    throw err;
  }
}
