import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../../../db/schema.ts';
import { generateApiKey, hashApiKey, keyPrefix } from '../../auth/keys.ts';
import type { Scope } from '../../auth/scopes.ts';
import { type Clock, nowIso } from '../../clock.ts';
import { invalidField } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ApiKeyT } from './apiKeys.schema.ts';

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
 * hash is stored. A key with the admin scope must belong to an admin user.
 */
export async function insertApiKey(
  db: Db,
  clock: Clock,
  input: NewApiKey,
): Promise<{ apiKey: ApiKeyT; key: string }> {
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
  return { apiKey: presentApiKey(row), key };
}
