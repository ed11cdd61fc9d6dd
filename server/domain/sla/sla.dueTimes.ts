import type { Kysely } from 'kysely';
import type { Database, Priority } from '../../../db/schema.ts';
import { addMinutes } from '../../core/clock.ts';

/**
 * Due times from the current policy of this priority, always counted from the ticket's
 * creation (also after a priority change). Editing a policy applies to tickets created or
 * re-prioritised afterwards; existing due times are not rewritten.
 */
export async function slaDueTimes(db: Kysely<Database>, priority: Priority, createdAt: string) {
  const policy = await db
    .selectFrom('sla_policies')
    .select(['first_response_minutes', 'resolution_minutes'])
    .where('priority', '=', priority)
    .executeTakeFirstOrThrow();
  return {
    first_response_due_at: addMinutes(createdAt, policy.first_response_minutes),
    resolution_due_at: addMinutes(createdAt, policy.resolution_minutes),
  };
}
