import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, WorkflowRow } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { badRequest, type FieldError, notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import {
  type ActionT,
  type ConditionT,
  triggerCarriesTicket,
  type WorkflowCreateInput,
  type WorkflowListParams,
  type WorkflowPatchInput,
  type WorkflowT,
} from '../../../common/contract/workflows.ts';
import { conditionFieldProblem } from '../../../common/contract/eventPayloads.ts';

export function presentWorkflow(row: WorkflowRow): WorkflowT {
  return {
    id: row.id,
    name: row.name,
    trigger: row.trigger,
    // Written only by this module, from validated Condition and Action lists.
    conditions: JSON.parse(row.conditions) as ConditionT[],
    actions: JSON.parse(row.actions) as ActionT[],
    active: row.active === 1,
    runCount: row.run_count,
    lastRunAt: row.last_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Problems of one action's reference: the user, project or macro it names must exist. */
async function referenceProblem(trx: Db, action: ActionT): Promise<string | null> {
  if (action.type === 'assign' && action.value !== null) {
    const user = await trx
      .selectFrom('users')
      .select('active')
      .where('id', '=', action.value)
      .executeTakeFirst();
    if (!user) return `no user ${action.value}`;
    if (!user.active) return `user ${action.value} is deactivated`;
  }
  if (action.type === 'set_project' && action.value !== null) {
    const project = await trx
      .selectFrom('projects')
      .select('active')
      .where('id', '=', action.value)
      .executeTakeFirst();
    if (!project) return `no project ${action.value}`;
    if (!project.active) return `project ${action.value} is archived (inactive)`;
  }
  if (action.type === 'apply_macro') {
    const macro = await trx.selectFrom('macros').select('id').where('id', '=', action.value).executeTakeFirst();
    if (!macro) return `no macro ${action.value}`;
  }
  return null;
}

/**
 * The checks the body schema cannot make, all reported at once: every condition names a field
 * the trigger's events carry (eventPayloads.ts); every action changes a ticket, so the trigger's
 * events must name one; the users, projects and macros named must exist.
 * `actions` is null when a PATCH changes only the trigger: then the trigger is the field named.
 */
async function assertWorkflowUsable(
  trx: Db,
  trigger: string,
  actions: readonly ActionT[] | null,
  conditions: readonly ConditionT[],
): Promise<void> {
  const errors: FieldError[] = [];
  for (const [i, condition] of conditions.entries()) {
    const problem = conditionFieldProblem(trigger, condition.field);
    if (problem) errors.push({ path: `conditions.${i}.field`, message: problem });
  }
  if (!triggerCarriesTicket(trigger)) {
    errors.push({
      path: actions ? 'actions' : 'trigger',
      message:
        `${trigger} events carry no ticket for these ticket actions: use a ticket.created, ` +
        'ticket.updated, ticket.merged, message.created or custom.* trigger',
    });
  }
  for (const [i, action] of (actions ?? []).entries()) {
    const problem = await referenceProblem(trx, action);
    if (problem) errors.push({ path: `actions.${i}.value`, message: problem });
  }
  if (errors.length > 0) {
    const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw badRequest(`invalid body: ${summary}`, errors);
  }
}

const sortColumns = {
  createdAt: sql`created_at`,
  name: sql`lower(name)`,
} as const;

export async function listWorkflows(
  ctx: Ctx,
  params: WorkflowListParams,
): Promise<ListPage<WorkflowT>> {
  const { db } = ctx;
  let where = db.selectFrom('workflows');
  if (params.trigger) where = where.where('trigger', '=', params.trigger);
  if (params.active !== undefined) where = where.where('active', '=', params.active ? 1 : 0);
  const total = await countRows(where);
  // Ties are broken by id (time-sortable) in the same direction, so pages never overlap.
  const rows = await where
    .selectAll()
    .orderBy(sortColumns[params.sortBy], params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return {
    data: rows.map(presentWorkflow),
    meta: { total, limit: params.limit, offset: params.offset },
  };
}

export async function getWorkflow(ctx: Ctx, id: string): Promise<WorkflowT> {
  const { db } = ctx;
  const row = await db.selectFrom('workflows').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('workflow', id);
  return presentWorkflow(row);
}

export async function createWorkflow(
  ctx: Ctx,
  input: WorkflowCreateInput,
): Promise<WorkflowT> {
  const now = nowIso(ctx.clock);
  const row: WorkflowRow = {
    id: newId('workflow', ctx.clock),
    name: input.name,
    trigger: input.trigger,
    conditions: JSON.stringify(input.conditions),
    actions: JSON.stringify(input.actions),
    active: input.active ? 1 : 0,
    run_count: 0,
    last_run_at: null,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    await assertWorkflowUsable(trx, input.trigger, input.actions, input.conditions);
    await trx.insertInto('workflows').values(row).execute();
  });
  return presentWorkflow(row);
}

export async function updateWorkflow(
  ctx: Ctx,
  id: string,
  patch: WorkflowPatchInput,
): Promise<WorkflowT> {
  return inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const current = await getWorkflow(tx, id);
    if (patch.trigger !== undefined || patch.actions !== undefined || patch.conditions !== undefined) {
      await assertWorkflowUsable(
        trx,
        patch.trigger ?? current.trigger,
        patch.actions ?? null,
        patch.conditions ?? current.conditions,
      );
    }
    await trx
      .updateTable('workflows')
      .set({
        updated_at: nowIso(ctx.clock),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.trigger !== undefined ? { trigger: patch.trigger } : {}),
        ...(patch.conditions !== undefined ? { conditions: JSON.stringify(patch.conditions) } : {}),
        ...(patch.actions !== undefined ? { actions: JSON.stringify(patch.actions) } : {}),
        ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
      })
      .where('id', '=', id)
      .execute();
    return getWorkflow(tx, id);
  });
}

export async function deleteWorkflow(ctx: Ctx, id: string): Promise<void> {
  const { db } = ctx;
  const result = await db.deleteFrom('workflows').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound('workflow', id);
}
