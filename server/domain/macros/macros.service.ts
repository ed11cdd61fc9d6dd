import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, MacroRow } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, invalidField, notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { escapeLike } from '../../../db/queries/like.ts';
import { dialectOf } from '../../../db/dialect.ts';
import type { AttachmentLimits } from '../attachments/attachments.service.ts';
import { applyTicketChanges, insertTicketMessage } from '../tickets/tickets.changes.ts';
import { getTicket, loadTicket } from '../tickets/tickets.read.ts';
import type { TicketT } from '../../../common/contract/tickets.ts';
import { assertAssignable } from '../users/users.service.ts';
import type {
  ApplyMacroInput,
  MacroActionsT,
  MacroCreateInput,
  MacroListParams,
  MacroPatchInput,
  MacroT,
} from '../../../common/contract/macros.ts';
import { macroValues, renderTemplate } from '../../../common/rules/macros.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { type Ctx, inTransaction } from '../context.ts';

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
  name: sql`lower(name)`,
} as const;

export async function listMacros(
  ctx: Ctx,
  params: MacroListParams,
): Promise<ListPage<MacroT>> {
  const { db } = ctx;
  let where = db.selectFrom('macros');
  if (params.search) {
    where = where.where(dialectOf(ctx.db).likeIgnoringCase(sql.ref('name'), `%${escapeLike(params.search)}%`));
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

export async function getMacro(ctx: Ctx, id: string): Promise<MacroT> {
  const { db } = ctx;
  const row = await findMacro(db, id);
  if (!row) throw notFound('macro', id);
  return presentMacro(row);
}

export async function createMacro(
  ctx: Ctx,
  input: MacroCreateInput,
): Promise<MacroT> {
  const now = nowIso(ctx.clock);
  const row: MacroRow = {
    id: newId('macro', ctx.clock),
    name: input.name,
    body: input.body,
    actions: serializeActions(input.actions),
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    await assertActionsUsable(trx, input.actions);
    await trx.insertInto('macros').values(row).execute();
    await recordEvent(tx, {
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
  ctx: Ctx,
  id: string,
  patch: MacroPatchInput,
): Promise<MacroT> {
  return inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const current = await findMacro(trx, id);
    if (!current) throw notFound('macro', id);
    if (patch.actions) await assertActionsUsable(trx, patch.actions);
    await trx
      .updateTable('macros')
      .set({
        updated_at: nowIso(ctx.clock),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.actions !== undefined ? { actions: serializeActions(patch.actions) } : {}),
      })
      .where('id', '=', id)
      .execute();
    const updated = await findMacro(trx, id);
    if (!updated) throw notFound('macro', id);
    const macro = presentMacro(updated);
    await recordUpdated(tx, {
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
export async function deleteMacro(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const macro = await getMacro(tx, id);
    await trx.deleteFrom('macros').where('id', '=', id).execute();
    await recordEvent(tx, {
      type: 'macro.deleted',
      resourceType: 'macro',
      resourceId: id,
      data: { macro },
    });
  });
}

/**
 * Runs a macro on a ticket: posts the rendered body as the acting agent's reply (with the reply
 * rules of insertTicketMessage), then applies its actions (with the rules of
 * applyTicketChanges), in one transaction (the caller's, when it has one: a workflow's). Any
 * failure, such as an assignee deactivated since the macro was saved, rolls back both: the
 * ticket gets no reply and no change. An actor with no user (a workflow) writes a reply authored
 * by no one, signed "LocalDesk", and `assignTo: "me"` is skipped. `edited` is the reply as the
 * agent changed it before sending (the actions still apply). `field` names the input a rejected
 * macro is reported against.
 */
export async function applyMacro(
  ctx: Ctx,
  ticketId: string,
  { macroId, body: edited, attachments }: ApplyMacroInput,
  field = 'macroId',
  limits?: AttachmentLimits,
): Promise<TicketT> {
  const agentUserId = ctx.actor.userId;
  const now = nowIso(ctx.clock);
  await inTransaction(ctx, async (tx) => {
    const { db } = tx;
    const ticket = await loadTicket(db, ticketId);
    const macro = await findMacro(db, macroId);
    if (!macro) throw invalidField(field, `no macro ${macroId}`);
    const actions = presentMacro(macro).actions;
    const assignedTo = actions.assignTo === 'me' ? (agentUserId ?? undefined) : actions.assignTo;

    const contact = await db
      .selectFrom('contacts')
      .select(['name', 'email'])
      .where('id', '=', ticket.contact_id)
      .executeTakeFirstOrThrow();
    const agent = agentUserId
      ? await db.selectFrom('users').select('name').where('id', '=', agentUserId).executeTakeFirstOrThrow()
      : { name: 'LocalDesk' };
    const body =
      edited ?? renderTemplate(macro.body, macroValues({ contact, ticket: { id: ticket.id, number: ticket.number }, agent }));
    await insertTicketMessage(
      tx,
      ticket,
      { body, sender: 'agent', internal: false, authorId: agentUserId, attachments, limits },
      now,
    );
    // Reloaded: the reply has just moved firstResponseAt and updatedAt.
    await applyTicketChanges(
      tx,
      await loadTicket(db, ticketId),
      { status: actions.status, priority: actions.priority, addTags: actions.addTags, assignedTo },
      now,
    ).catch((err: unknown) => {
      // The caller named only the macro: a rejected action is a problem of that macro.
      if (err instanceof AppError && err.code === 'BAD_REQUEST') {
        throw invalidField(field, `macro ${macroId} could not be applied: ${err.message}`);
      }
      throw err;
    });
  });
  return getTicket(ctx, ticketId);
}
