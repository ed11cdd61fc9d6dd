// Contact helpers that tickets and conversations use inside their own transactions.
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { type Actor, recordEvent } from '../../events/events.ts';
import { newId } from '../../ids.ts';
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
