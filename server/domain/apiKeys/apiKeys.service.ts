import { countRows } from '../../../db/queries/count.ts';
import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../../../db/schema.ts';
import type { Auth } from '../auth/principal.ts';
import { generateApiKey, hashApiKey, keyPrefix } from './keys.ts';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { invalidField, notFound } from '../../core/errors.ts';
import type { ListMeta } from '../../http/route.ts';
import { newId } from '../../core/ids.ts';
import { type Actor, recordEvent, systemActor } from '../events/events.record.ts';
import type { ApiKeyCreateInput, ApiKeyListParams, ApiKeyT } from '../../../common/contract/apiKeys.ts';
import { transact } from '../../../db/transact.ts';

type Db = Kysely<Database>;

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
 * `actor` defaults to the system for the callers at the machine (bootstrap, `localdesk keys`).
 */
export async function insertApiKey(
  db: Db,
  clock: Clock,
  input: NewApiKey,
  actor: Actor = systemActor,
): Promise<{ apiKey: ApiKeyT; key: string }> {
  if (!db.isTransaction) return transact(db, (trx) => insertApiKey(trx, clock, input, actor));
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
    id: newId('apiKey', clock),
    name: input.name,
    prefix: keyPrefix(key),
    key_hash: hashApiKey(key),
    scopes: JSON.stringify(input.scopes),
    user_id: input.userId,
    rate_limit_per_minute: input.rateLimitPerMinute,
    last_used_at: null,
    created_at: nowIso(clock),
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  const apiKey = presentApiKey(row);
  await recordEvent(db, clock, actor, {
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
function visibleKeys(db: Db, auth: Auth) {
  const query = db.selectFrom('api_keys');
  return hasScope(auth.scopes, 'admin') ? query : query.where('user_id', '=', auth.userId);
}

/** Every key, oldest first: for the operator at the machine (`localdesk keys list`). */
export async function listApiKeys(db: Db): Promise<ApiKeyT[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(presentApiKey);
}

export async function listVisibleApiKeys(
  db: Db,
  auth: Auth,
  params: ApiKeyListParams,
): Promise<{ data: ApiKeyT[]; meta: ListMeta }> {
  let where = visibleKeys(db, auth);
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
export async function getApiKey(db: Db, auth: Auth, id: string): Promise<ApiKeyT> {
  const row = await visibleKeys(db, auth).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('API key', id);
  return presentApiKey(row);
}

/** Creates a key for `userId`, or for the caller's own user when none is given. */
export async function createApiKey(
  db: Db,
  clock: Clock,
  actor: Actor,
  auth: Auth,
  input: ApiKeyCreateInput,
): Promise<ApiKeyT & { key: string }> {
  const { apiKey, key } = await insertApiKey(
    db,
    clock,
    {
      name: input.name,
      scopes: input.scopes,
      userId: input.userId ?? auth.userId,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    },
    actor,
  );
  return { ...apiKey, key };
}

/**
 * Revokes a key: it stops authenticating at once. Revoking a revoked key changes nothing (the
 * first revokedAt stays, and no second api_key.revoked is recorded), so a retried DELETE is
 * harmless. Returns the key as it now is. `actor` defaults to the system (`localdesk keys`).
 */
export async function revokeApiKey(
  db: Db,
  clock: Clock,
  id: string,
  actor: Actor = systemActor,
): Promise<ApiKeyT> {
  return transact(db, async (trx) => {
    const result = await trx
      .updateTable('api_keys')
      .set({ revoked_at: nowIso(clock) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('API key', id);
    const apiKey = presentApiKey(row);
    if (result.numUpdatedRows > 0n) {
      await recordEvent(trx, clock, actor, {
        type: 'api_key.revoked',
        resourceType: 'api_key',
        resourceId: id,
        data: { apiKey },
      });
    }
    return apiKey;
  });
}
