import { type Kysely, sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Database, MacroRow } from '../../../db/schema.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { AppError, invalidField, notFound } from '../../core/errors.ts';
import type { ListMeta } from '../../http/route.ts';
import { newId } from '../../core/ids.ts';
import { escapeLike } from '../../../db/queries/like.ts';
import { getTicket } from '../tickets/tickets.presenter.ts';
import { applyTicketChanges, insertTicketMessage, loadTicket } from '../tickets/tickets.changes.ts';
import type { TicketT } from '../../../common/contract/tickets.ts';
import { assertAssignable } from '../users/users.assignable.ts';
import type {
  MacroActionsT,
  MacroCreateInput,
  MacroListParams,
  MacroPatchInput,
  MacroT,
} from '../../../common/contract/macros.ts';
import { macroValues, renderTemplate } from '../../../common/rules/macros.ts';
import { type Actor, recordEvent, recordUpdated } from '../events/events.record.ts';
import { transact } from '../../../db/transact.ts';

type Db = Kysely<Database>;

export function presentMacro(row: MacroRow): MacroT {
  return {
    id: row.id,
    name: row.name,
    body: row.body,
    // Written only by this module, from a validated MacroActions object.
    actions: JSON.parse(row.actions) as MacroActionsT,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Stored form of the actions: tag names once each (they are already lower-cased). */
function serializeActions(actions: MacroActionsT): string {
  const { addTags, ...rest } = actions;
  return JSON.stringify(addTags ? { ...rest, addTags: [...new Set(addTags)] } : rest);
}

/** A named assignee must be assignable when the macro is saved (`me` is checked when applied). */
async function assertActionsUsable(trx: Db, actions: MacroActionsT): Promise<void> {
  if (actions.assignTo && actions.assignTo !== 'me') {
    await assertAssignable(trx, actions.assignTo, 'actions.assignTo');
  }
}

const sortColumns = {
  createdAt: sql`created_at`,
  // People expect "alice" next to "Alice", not after "Zed".
  name: sql`name collate nocase`,
} as const;

export async function listMacros(
  db: Db,
  params: MacroListParams,
): Promise<{ data: MacroT[]; meta: ListMeta }> {
  let where = db.selectFrom('macros');
  if (params.search) {
    where = where.where(sql<boolean>`name like ${`%${escapeLike(params.search)}%`} escape '\\'`);
  }
  const total = await countRows(where);
  // Ties are broken by id (time-sortable) in the same direction, so pages never overlap.
  const direction = params.sortOrder;
  const rows = await where
    .selectAll()
    .orderBy(sortColumns[params.sortBy], direction)
    .orderBy('id', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentMacro), meta: { total, limit: params.limit, offset: params.offset } };
}

async function findMacro(db: Db, id: string): Promise<MacroRow | undefined> {
  return db.selectFrom('macros').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getMacro(db: Db, id: string): Promise<MacroT> {
  const row = await findMacro(db, id);
  if (!row) throw notFound('macro', id);
  return presentMacro(row);
}

export async function createMacro(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: MacroCreateInput,
): Promise<MacroT> {
  const now = nowIso(clock);
  const row: MacroRow = {
    id: newId('macro', clock),
    name: input.name,
    body: input.body,
    actions: serializeActions(input.actions),
    created_at: now,
    updated_at: now,
  };
  await transact(db, async (trx) => {
    await assertActionsUsable(trx, input.actions);
    await trx.insertInto('macros').values(row).execute();
    await recordEvent(trx, clock, actor, {
      type: 'macro.created',
      resourceType: 'macro',
      resourceId: row.id,
      data: { macro: presentMacro(row) },
    });
  });
  return presentMacro(row);
}

/**
 * Changes a macro. macro.updated names the fields whose value changed (`actions` compared as a
 * whole, as stored); a patch that changes nothing records no event.
 */
export async function updateMacro(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: string,
  patch: MacroPatchInput,
): Promise<MacroT> {
  return transact(db, async (trx) => {
    const current = await findMacro(trx, id);
    if (!current) throw notFound('macro', id);
    if (patch.actions) await assertActionsUsable(trx, patch.actions);
    await trx
      .updateTable('macros')
      .set({
        updated_at: nowIso(clock),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.actions !== undefined ? { actions: serializeActions(patch.actions) } : {}),
      })
      .where('id', '=', id)
      .execute();
    const updated = await findMacro(trx, id);
    if (!updated) throw notFound('macro', id);
    const macro = presentMacro(updated);
    await recordUpdated(trx, clock, actor, {
      resourceType: 'macro',
      resourceId: id,
      key: 'macro',
      before: presentMacro(current),
      after: macro,
      fields: ['name', 'body', 'actions'],
    });
    return macro;
  });
}

/** Deletes a macro; macro.deleted carries it as it was (replies posted with it stay). */
export async function deleteMacro(db: Db, clock: Clock, actor: Actor, id: string): Promise<void> {
  await transact(db, async (trx) => {
    const macro = await getMacro(trx, id);
    await trx.deleteFrom('macros').where('id', '=', id).execute();
    await recordEvent(trx, clock, actor, {
      type: 'macro.deleted',
      resourceType: 'macro',
      resourceId: id,
      data: { macro },
    });
  });
}

/**
 * Runs a macro on a ticket in one transaction: posts the rendered body as the calling agent's
 * reply (with the reply rules of insertTicketMessage), then applies its actions (with the rules
 * of applyTicketChanges). Any failure, such as an assignee deactivated since the macro was
 * saved, rolls back both: the ticket gets no reply and no change.
 */
export async function applyMacro(
  db: Db,
  clock: Clock,
  actor: Actor,
  agentUserId: string,
  ticketId: string,
  macroId: string,
): Promise<TicketT> {
  await transact(db, (trx) =>
    applyMacroIn(trx, clock, actor, agentUserId, ticketId, macroId, 'macroId'),
  );
  return getTicket(db, clock, ticketId);
}

/**
 * The macro run inside the caller's transaction (the route's, or a workflow's). `agentUserId`
 * is the agent it runs for; a workflow has none: its reply is authored by no user, signed
 * "LocalDesk", and `assignTo: "me"` is skipped. `field` names the input a rejected action is
 * reported against.
 */
export async function applyMacroIn(
  trx: Db,
  clock: Clock,
  actor: Actor,
  agentUserId: string | null,
  ticketId: string,
  macroId: string,
  field: string,
): Promise<void> {
  const now = nowIso(clock);
  const ticket = await loadTicket(trx, ticketId);
  const macro = await findMacro(trx, macroId);
  if (!macro) throw invalidField(field, `no macro ${macroId}`);
  const actions = presentMacro(macro).actions;
  const assignedTo = actions.assignTo === 'me' ? (agentUserId ?? undefined) : actions.assignTo;

  const contact = await trx
    .selectFrom('contacts')
    .select(['name', 'email'])
    .where('id', '=', ticket.contact_id)
    .executeTakeFirstOrThrow();
  const agent = agentUserId
    ? await trx.selectFrom('users').select('name').where('id', '=', agentUserId).executeTakeFirstOrThrow()
    : { name: 'LocalDesk' };
  const body = renderTemplate(macro.body, macroValues({ contact, ticket: { id: ticket.id }, agent }));
  await insertTicketMessage(
    trx,
    clock,
    actor,
    ticket,
    { body, sender: 'agent', internal: false, authorId: agentUserId },
    now,
  );
  // Reloaded: the reply has just moved firstResponseAt and updatedAt.
  await applyTicketChanges(
    trx,
    clock,
    actor,
    await loadTicket(trx, ticketId),
    { status: actions.status, priority: actions.priority, addTags: actions.addTags, assignedTo },
    now,
  ).catch((err: unknown) => {
    // The caller named only the macro: a rejected action is a problem of that macro.
    if (err instanceof AppError && err.code === 'BAD_REQUEST') {
      throw invalidField(field, `macro ${macroId} could not be applied: ${err.message}`);
    }
    throw err;
  });
}

