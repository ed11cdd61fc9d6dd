import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { ApiKeyRow, Db } from '../../../db/schema.ts';
import { generateApiKey, hashApiKey, keyPrefix } from './keys.ts';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';
import { nowIso } from '../../core/clock.ts';
import { invalidField, notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { recordEvent } from '../events/events.record.ts';
import { type Ctx, inTransaction } from '../context.ts';
import type { ApiKeyCreateInput, ApiKeyListParams, ApiKeyT } from '../../../common/contract/apiKeys.ts';

export function presentApiKey(row: ApiKeyRow): ApiKeyT {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as Scope[],
    userId: row.user_id,
    rateLimitPerMinute: row.rate_limit_per_minute,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export interface NewApiKey {
  name: string;
  scopes: Scope[];
  userId: string;
  rateLimitPerMinute: number | null;
  /** A given secret (LOCALDESK_ADMIN_KEY); otherwise a new one is generated. */
  key?: string;
}

/**
 * Creates a key and returns its secret, the only time it exists outside the caller: only the
 * hash is stored. A key with the admin scope must belong to an admin user. The user checks and
 * the insert share a transaction (the caller's, or one of its own), so they still hold when the
 * key lands, and so does its api_key.created event (which carries the key without its secret).
 * The callers at the machine (bootstrap, `localdesk keys`) act as the system.
 */
export async function insertApiKey(ctx: Ctx, input: NewApiKey): Promise<{ apiKey: ApiKeyT; key: string }> {
  const { db } = ctx;
  if (!db.isTransaction) return inTransaction(ctx, (tx) => insertApiKey(tx, input));
  const user = await db
    .selectFrom('users')
    .select(['id', 'role', 'active'])
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!user) throw invalidField('userId', `no user ${input.userId}`);
  if (!user.active) throw invalidField('userId', `user ${input.userId} is deactivated`);
  if (input.scopes.includes('admin') && user.role !== 'admin') {
    throw invalidField('scopes', 'the admin scope can only be given to a key of an admin user');
  }
  const key = input.key ?? generateApiKey();
  const row: ApiKeyRow = {
    id: newId('apiKey', ctx.clock),
    name: input.name,
    prefix: keyPrefix(key),
    key_hash: hashApiKey(key),
    scopes: JSON.stringify(input.scopes),
    user_id: input.userId,
    rate_limit_per_minute: input.rateLimitPerMinute,
    last_used_at: null,
    created_at: nowIso(ctx.clock),
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  const apiKey = presentApiKey(row);
  await recordEvent(ctx, {
    type: 'api_key.created',
    resourceType: 'api_key',
    resourceId: apiKey.id,
    data: { apiKey },
  });
  return { apiKey, key };
}

/**
 * Keys an admin-scoped caller may see: all of them. Any other caller sees only its own user's
 * keys; names and prefixes of other people's keys are not everyone's business.
 */
function visibleKeys(ctx: Ctx) {
  const query = ctx.db.selectFrom('api_keys');
  const { scopes, userId } = ctx.actor;
  if (hasScope(scopes, 'admin')) return query;
  return userId ? query.where('user_id', '=', userId) : query.where(sql<boolean>`1 = 0`);
}

/** Every key, oldest first: for the operator at the machine (`localdesk keys list`). */
export async function listApiKeys(db: Db): Promise<ApiKeyT[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(presentApiKey);
}

export async function listVisibleApiKeys(ctx: Ctx, params: ApiKeyListParams): Promise<ListPage<ApiKeyT>> {
  let where = visibleKeys(ctx);
  if (params.userId) where = where.where('user_id', '=', params.userId);
  if (params.revoked !== undefined) {
    where = where.where('revoked_at', params.revoked ? 'is not' : 'is', null);
  }
  const total = await countRows(where);
  const rows = await where
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return {
    data: rows.map(presentApiKey),
    meta: { total, limit: params.limit, offset: params.offset },
  };
}

/** A key the caller may not see is reported as absent (404), not forbidden: no existence leak. */
export async function getApiKey(ctx: Ctx, id: string): Promise<ApiKeyT> {
  const row = await visibleKeys(ctx).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('API key', id);
  return presentApiKey(row);
}

/** Creates a key for `userId`, or for the caller's own user when none is given. */
export async function createApiKey(ctx: Ctx, input: ApiKeyCreateInput): Promise<ApiKeyT & { key: string }> {
  const userId = input.userId ?? ctx.actor.userId;
  if (!userId) throw invalidField('userId', 'give the user the key is for');
  const { apiKey, key } = await insertApiKey(ctx, {
    name: input.name,
    scopes: input.scopes,
    userId,
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
  });
  return { ...apiKey, key };
}

/**
 * Revokes a key: it stops authenticating at once. Revoking a revoked key changes nothing (the
 * first revokedAt stays, and no second api_key.revoked is recorded), so a retried DELETE is
 * harmless. Returns the key as it now is.
 */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<ApiKeyT> {
  return inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const result = await trx
      .updateTable('api_keys')
      .set({ revoked_at: nowIso(ctx.clock) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('API key', id);
    const apiKey = presentApiKey(row);
    if (result.numUpdatedRows > 0n) {
      await recordEvent(tx, {
        type: 'api_key.revoked',
        resourceType: 'api_key',
        resourceId: id,
        data: { apiKey },
      });
    }
    return apiKey;
  });
}
