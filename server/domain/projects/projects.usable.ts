import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { invalidField } from '../../core/errors.ts';

/** Tickets can be filed only under an existing, active project; `field` names the input. */
export async function assertProjectUsable(
  trx: Kysely<Database>,
  projectId: string,
  field = 'projectId',
): Promise<void> {
  const project = await trx
    .selectFrom('projects')
    .select(['id', 'active'])
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (!project) throw invalidField(field, `no project ${projectId}`);
  if (!project.active) throw invalidField(field, `project ${projectId} is archived (inactive)`);
}
