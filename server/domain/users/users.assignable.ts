import type { Kysely } from 'kysely';
import { invalidField } from '../../core/errors.ts';
import type { Database } from '../../../db/schema.ts';

/** Tickets can be assigned only to an existing, active user; `field` names the input. */
export async function assertAssignable(
  trx: Kysely<Database>,
  userId: string,
  field = 'assignedTo',
): Promise<void> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw invalidField(field, `no user ${userId}`);
  if (!user.active) throw invalidField(field, `user ${userId} is deactivated`);
}
