// A person's password: set when they accept an invitation, changed by themselves (knowing the
// current one), or reset by an admin. A reset ends every session of that user; your own change
// ends your other sessions and keeps the one you made it from.
import type { PasswordChangeInput } from '../../../common/contract/auth.ts';
import type { Db } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { invalidField, notFound } from '../../core/errors.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { endUserSessions } from '../sessions/sessions.service.ts';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './passwords.ts';
import { requireScope } from './principal.ts';

/** Stores a password hash (made beforehand, outside the transaction) for a user. */
export async function storePasswordHash(db: Db, userId: string, hash: string, at: string): Promise<void> {
  await db
    .insertInto('user_passwords')
    .values({ user_id: userId, hash, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: at }))
    .execute();
}

export async function changePassword(
  ctx: Ctx,
  userId: string,
  input: PasswordChangeInput,
): Promise<{ sessionsEnded: number }> {
  const own = ctx.actor.userId === userId;
  if (!own) requireScope(ctx.actor, 'admin');
  const user = await ctx.db
    .selectFrom('users as u')
    .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'p.hash'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user', userId);
  if (own && user.hash) {
    if (input.currentPassword === undefined) {
      throw invalidField('currentPassword', 'required to change your own password');
    }
    const { ok } = await verifyPassword(input.currentPassword, user.hash);
    if (!ok) throw invalidField('currentPassword', 'is not your current password');
  }
  assertAcceptablePassword(input.password, user);
  if (user.hash && (await verifyPassword(input.password, user.hash)).ok) {
    throw invalidField('password', 'is the password already set; choose a new one');
  }
  const hash = await hashPassword(input.password);
  return inTransaction(ctx, async (tx) => {
    await storePasswordHash(tx.db, userId, hash, nowIso(tx.clock));
    const sessionsEnded = own
      ? await endUserSessions(tx, userId, 'password changed', ctx.actor.sessionId)
      : await endUserSessions(tx, userId, 'password reset by an admin');
    await recordEvent(tx, {
      type: 'auth.password_changed',
      resourceType: 'auth',
      resourceId: userId,
      data: { userId, by: own ? 'self' : 'admin', sessionsEnded },
    });
    return { sessionsEnded };
  });
}
