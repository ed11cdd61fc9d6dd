import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, ProjectRow, ProjectsTable } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { conflict, invalidField, notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { type Ctx, inTransaction } from '../context.ts';
import {
  type ProjectCreateInput,
  type ProjectListParams,
  type ProjectPatchInput,
  type ProjectT,
  slugMaxLength,
} from '../../../common/contract/projects.ts';

export function presentProject(row: ProjectRow): ProjectT {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * A slug from a name: accents dropped ("Café" → "cafe"), lower-cased, every run of anything
 * but ASCII letters and digits collapsed to one hyphen, no hyphen at either end, at most 60
 * characters. Empty when the name has no ASCII letter or digit at all.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, slugMaxLength)
    .replace(/-$/, '');
}

export async function listProjects(
  ctx: Ctx,
  params: ProjectListParams,
): Promise<ListPage<ProjectT>> {
  const { db } = ctx;
  let where = db.selectFrom('projects');
  if (params.active !== undefined) where = where.where('active', '=', params.active ? 1 : 0);
  const total = await countRows(where);

  // Names sort as people read them; ids (time-sortable) break ties so pages never overlap.
  const direction = params.sortOrder;
  const order = params.sortBy === 'name' ? sql`lower(name)` : sql`created_at`;
  const rows = await where
    .selectAll()
    .orderBy(order, direction)
    .orderBy('id', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentProject), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getProject(ctx: Ctx, id: string): Promise<ProjectT> {
  const { db } = ctx;
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('project', id);
  return presentProject(row);
}

/** Slugs are unique: a 409 that names the slug (and says how to get out of a derived clash). */
async function assertSlugFree(trx: Db, slug: string, derived: boolean, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('projects').select('id').where('slug', '=', slug);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = await query.executeTakeFirst();
  if (!taken) return;
  const message = derived
    ? `a project with slug ${slug} (derived from the name) already exists: pass a different \`slug\``
    : `a project with slug ${slug} already exists`;
  throw conflict(message, { field: 'slug', slug, projectId: taken.id });
}

export async function createProject(
  ctx: Ctx,
  input: ProjectCreateInput,
): Promise<ProjectT> {
  const derived = input.slug === undefined;
  const slug = input.slug ?? slugify(input.name);
  if (slug === '') {
    throw invalidField('slug', 'the name has no ASCII letter or digit to derive a slug from: give a slug');
  }
  const now = nowIso(ctx.clock);
  const row: ProjectRow = {
    id: newId('project', ctx.clock),
    name: input.name,
    slug,
    active: input.active ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    await assertSlugFree(trx, slug, derived);
    await trx.insertInto('projects').values(row).execute();
    await recordEvent(tx, {
      type: 'project.created',
      resourceType: 'project',
      resourceId: row.id,
      data: { project: presentProject(row) },
    });
  });
  return presentProject(row);
}

/**
 * Changes a project. Renaming keeps the slug (integrations may know it); deactivating archives
 * the project: its tickets stay, but no ticket can be newly filed under it. project.updated names
 * the fields whose value changed; a patch that changes nothing records no event.
 */
export async function updateProject(
  ctx: Ctx,
  id: string,
  patch: ProjectPatchInput,
): Promise<ProjectT> {
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const current = await trx.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound('project', id);
    if (patch.slug !== undefined) await assertSlugFree(trx, patch.slug, false, id);

    const changes: Partial<ProjectsTable> = { updated_at: nowIso(ctx.clock) };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.slug !== undefined) changes.slug = patch.slug;
    if (patch.active !== undefined) changes.active = patch.active ? 1 : 0;
    await trx.updateTable('projects').set(changes).where('id', '=', id).execute();

    const before = presentProject(current);
    const after = await getProject(tx, id);
    await recordUpdated(tx, { resourceType: 'project', resourceId: id, key: 'project', before, after });
  });
  return getProject(ctx, id);
}

/** Tickets can be filed only under an existing, active project; `field` names the input. */
export async function assertProjectUsable(db: Db, projectId: string, field = 'projectId'): Promise<void> {
  const project = await db.selectFrom('projects').select(['id', 'active']).where('id', '=', projectId).executeTakeFirst();
  if (!project) throw invalidField(field, `no project ${projectId}`);
  if (!project.active) throw invalidField(field, `project ${projectId} is archived (inactive)`);
}
