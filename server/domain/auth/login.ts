// Signing in with an e-mail address and a password. The answer to "no such user", "no password
// set", "deactivated" and "wrong password" is the same 401, and each of them costs one scrypt
// (a dummy one where there is nothing to compare), so neither the message nor the time tells
// which it was. Failures count towards the throttle (throttle.ts) and are recorded as
// auth.login_failed (the address tried and the client, never the password).
import type { LoginInput } from '../../../common/contract/auth.ts';
import type { UserT } from '../../../common/contract/users.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { type Ctx, inTransaction, userActor } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { type ClientInfo, type NewSession, type SessionLifetime, createSession } from '../sessions/sessions.service.ts';
import { presentUser } from '../users/users.service.ts';
import { hashPassword, verifyNothing, verifyPassword } from './passwords.ts';
import { assertNotThrottled, clearFailures, recordFailure, throttleSubjects } from './throttle.ts';

export interface SignedInResult extends NewSession {
  user: UserT;
}

const wrongCredentials = 'wrong e-mail address or password';

export async function login(
  ctx: Ctx,
  input: LoginInput,
  client: ClientInfo,
  lifetime: SessionLifetime,
): Promise<SignedInResult> {
  const subjects = throttleSubjects(input.email, client.ip);
  await assertNotThrottled(ctx.db, ctx.clock, subjects);

  const row = await ctx.db
    .selectFrom('users as u')
    .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
    .selectAll('u')
    .select('p.hash as password_hash')
    .where('u.email', '=', input.email)
    .executeTakeFirst();
  // Outside any transaction: a hash takes tens of milliseconds, and other writers must not wait.
  let verdict = { ok: false, needsRehash: false };
  if (row?.password_hash) verdict = await verifyPassword(input.password, row.password_hash);
  else await verifyNothing(input.password);

  if (!row || !verdict.ok || row.active !== 1) {
    await inTransaction(ctx, async (tx) => {
      await recordFailure(tx.db, tx.clock, subjects);
      await recordEvent(tx, {
        type: 'auth.login_failed',
        resourceType: 'auth',
        resourceId: null,
        data: { email: input.email, ip: client.ip, device: client.device },
      });
    });
    throw new AppError('UNAUTHORIZED', wrongCredentials);
  }

  const user = presentUser(row);
  const fresh = verdict.needsRehash ? await hashPassword(input.password) : null;
  const userCtx: Ctx = { ...ctx, actor: userActor(user) };
  const session = await inTransaction(userCtx, async (tx) => {
    if (fresh) {
      await tx.db.updateTable('user_passwords').set({ hash: fresh, updated_at: nowIso(tx.clock) }).where('user_id', '=', user.id).execute();
    }
    await clearFailures(tx.db, subjects[0] ?? '');
    return createSession(tx, user.id, client, lifetime);
  });
  return { ...session, user };
}
