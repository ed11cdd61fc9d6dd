// Source users (agents, admins) → LocalDesk users. New ones are created inactive: an imported
// agent is an author and an assignee, not someone who can sign in, until an admin activates or
// invites them. A user whose e-mail is already here is that user (linked, left as it is).
import { z } from 'zod';
import type { UserRow } from '../../../db/schema.ts';
import { UserCreate } from '../../../common/contract/users.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { presentUser } from '../users/users.service.ts';
import type { SourceUser } from './sources/types.ts';
import { importedId, placeholderEmail } from './ids.ts';
import { findRef, saveRef } from './refs.ts';
import { type WriteScope, accept, later } from './scope.ts';

const ImportedUser = UserCreate.pick({ name: true, email: true, role: true });
type Fields = z.output<typeof ImportedUser>;

/** Applies one user record; returns the LocalDesk user id. */
export async function applyUser(w: WriteScope, u: SourceUser): Promise<string> {
  const { db } = w.ctx;
  const found = await findRef(db, w.source, 'user', u.externalId);
  const createdAt = u.createdAt ?? u.updatedAt ?? w.fallbackTime;
  // Without its ref (a database restored from an export), the user is still found by its id.
  const id = found?.local_id ?? importedId('user', w.source, u.externalId, createdAt);
  const current = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  const ref = found ?? (current ? { local_id: id, source_updated_at: null, linked: 0 } : undefined);

  if (ref && current) {
    // A placeholder knows less than the row; a linked user is someone else's to change.
    if (ref.linked || u.placeholder) {
      if (!found) await saveRef(db, { source: w.source, kind: 'user', externalId: u.externalId, localId: id, sourceUpdatedAt: u.updatedAt, linked: false });
      return skip(w, current.id, 'unchanged');
    }
    if (ref.source_updated_at !== null && ref.source_updated_at === u.updatedAt) return skip(w, current.id, 'unchanged since the last import');
    const wanted = accept(ImportedUser, { name: u.name, email: u.email ?? current.email, role: u.role }, 'users', u.externalId);
    await updateUser(w, current, wanted, u.updatedAt);
    await saveRef(db, { source: w.source, kind: 'user', externalId: u.externalId, localId: current.id, sourceUpdatedAt: u.updatedAt, linked: false });
    return current.id;
  }

  const email = u.email ?? placeholderEmail(w.source, u.externalId);
  const fields = accept(ImportedUser, { name: u.name, email, role: u.role }, 'users', u.externalId);
  const existing = await db.selectFrom('users').select('id').where('email', '=', fields.email).executeTakeFirst();
  if (existing) {
    w.tally.add('users', 'linked');
    await saveRef(db, { source: w.source, kind: 'user', externalId: u.externalId, localId: existing.id, sourceUpdatedAt: u.updatedAt, linked: true });
    return existing.id;
  }
  const row: UserRow = {
    id,
    name: fields.name,
    email: fields.email,
    role: fields.role,
    active: 0,
    created_at: createdAt,
    updated_at: u.updatedAt ?? createdAt,
  };
  await db.insertInto('users').values(row).execute();
  await recordEvent(w.ctx, { type: 'user.created', resourceType: 'user', resourceId: row.id, data: { user: presentUser(row) } });
  await saveRef(db, { source: w.source, kind: 'user', externalId: u.externalId, localId: row.id, sourceUpdatedAt: u.updatedAt, linked: false });
  w.tally.add('users', 'created');
  return row.id;
}

function skip(w: WriteScope, id: string, reason: string): string {
  w.tally.skip('users', reason);
  return id;
}

async function updateUser(w: WriteScope, current: UserRow, wanted: Fields, sourceUpdatedAt: string | null): Promise<void> {
  const { db } = w.ctx;
  const taken =
    wanted.email !== current.email &&
    (await db.selectFrom('users').select('id').where('email', '=', wanted.email).executeTakeFirst()) !== undefined;
  const next = { ...current, name: wanted.name, role: wanted.role, email: taken ? current.email : wanted.email };
  if (next.name === current.name && next.role === current.role && next.email === current.email) {
    w.tally.skip('users', 'unchanged');
    return;
  }
  const updatedAt = sourceUpdatedAt ? later(current.updated_at, sourceUpdatedAt) : current.updated_at;
  await db.updateTable('users').set({ name: next.name, role: next.role, email: next.email, updated_at: updatedAt }).where('id', '=', current.id).execute();
  await recordUpdated(w.ctx, { resourceType: 'user', resourceId: current.id, key: 'user', before: presentUser(current), after: presentUser(next) });
  w.tally.add('users', 'updated');
}
