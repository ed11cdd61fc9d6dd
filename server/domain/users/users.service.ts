import { countRows } from '../../../db/queries/count.ts';
import { sql } from 'kysely';
import type { Db, UserRow, UsersTable } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { conflict, invalidField, notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { endUserSessions } from '../sessions/sessions.service.ts';
import type { UserCreateInput, UserListParams, UserPatchInput, UserT } from '../../../common/contract/users.ts';

export function presentUser(row: UserRow): UserT {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listUsers(
  ctx: Ctx,
  params: UserListParams,
): Promise<ListPage<UserT>> {
  let where = ctx.db.selectFrom('users');
  if (params.role) where = where.where('role', 'in', params.role);
  if (params.active !== undefined) where = where.where('active', '=', params.active ? 1 : 0);
  const total = await countRows(where);

  // Names sort as people read them (case-insensitive); ids (time-sortable) break every tie so
  // pages never overlap or skip.
  const direction = params.sortOrder;
  let query = where.selectAll();
  query =
    params.sortBy === 'name'
      ? query.orderBy(sql`lower(name)`, direction)
      : query.orderBy('created_at', direction);
  const rows = await query
    .orderBy('id', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentUser), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getUser(ctx: Ctx, id: string): Promise<UserT> {
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return presentUser(row);
}

/** The user the actor acts for (the calling key's user). */
export async function getCurrentUser(ctx: Ctx): Promise<UserT> {
  if (!ctx.actor.userId) throw notFound('user');
  return getUser(ctx, ctx.actor.userId);
}

/** Emails are unique (stored lower-case): a clear 409 rather than the constraint's generic one. */
async function assertEmailFree(trx: Db, email: string, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('users').select('id').where('email', '=', email);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = await query.executeTakeFirst();
  if (taken) {
    throw conflict(`a user with email ${email} already exists`, { field: 'email', userId: taken.id });
  }
}

export async function createUser(
  ctx: Ctx,
  input: UserCreateInput,
): Promise<UserT> {
  const now = nowIso(ctx.clock);
  const row: UserRow = {
    id: newId('user', ctx.clock),
    name: input.name,
    email: input.email,
    role: input.role,
    active: 1,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    await assertEmailFree(trx, input.email);
    await trx.insertInto('users').values(row).execute();
    await recordEvent(tx, {
      type: 'user.created',
      resourceType: 'user',
      resourceId: row.id,
      data: { user: presentUser(row) },
    });
  });
  return presentUser(row);
}

/**
 * Changes a user. Demoting or deactivating the last active admin is refused (409): nobody could
 * administer the desk afterwards. The check and the write share one transaction, so two
 * concurrent demotions cannot both pass it. Deactivation deletes nothing: tickets stay
 * assigned, messages keep their author, the user's keys stop authenticating and their sessions
 * end. user.updated names the fields whose value changed; a patch that changes nothing records
 * no event.
 */
export async function updateUser(
  ctx: Ctx,
  id: string,
  patch: UserPatchInput,
): Promise<UserT> {
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const current = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw notFound('user', id);

    const wasActiveAdmin = current.role === 'admin' && current.active === 1;
    const staysActiveAdmin =
      (patch.role ?? current.role) === 'admin' && (patch.active ?? current.active === 1);
    if (wasActiveAdmin && !staysActiveAdmin) {
      const others = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('active', '=', 1)
        .where('id', '!=', id)
        .executeTakeFirstOrThrow();
      if (others.n === 0) {
        throw conflict(
          `user ${id} is the last active admin: make another user an admin before ` +
            (patch.active === false ? 'deactivating' : 'demoting') +
            ' this one, or nobody could administer the desk',
          { userId: id },
        );
      }
    }
    if (patch.email !== undefined) await assertEmailFree(trx, patch.email, id);

    const changes: Partial<UsersTable> = { updated_at: nowIso(ctx.clock) };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.email !== undefined) changes.email = patch.email;
    if (patch.role !== undefined) changes.role = patch.role;
    if (patch.active !== undefined) changes.active = patch.active ? 1 : 0;
    await trx.updateTable('users').set(changes).where('id', '=', id).execute();

    const before = presentUser(current);
    const after = await getUser(tx, id);
    await recordUpdated(tx, { resourceType: 'user', resourceId: id, key: 'user', before, after });
    // A deactivated person is signed out everywhere at once, not only refused at the next check.
    if (before.active && !after.active) await endUserSessions(tx, id, 'user deactivated');
  });
  return getUser(ctx, id);
}

/** Tickets can be assigned only to an existing, active user; `field` names the input. */
export async function assertAssignable(db: Db, userId: string, field = 'assignedTo'): Promise<void> {
  const user = await db.selectFrom('users').select(['id', 'active']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw invalidField(field, `no user ${userId}`);
  if (!user.active) throw invalidField(field, `user ${userId} is deactivated`);
}
