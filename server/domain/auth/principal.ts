import type { Context } from 'koa';
import { nowIso } from '../../core/clock.ts';
import { apiKeyPattern } from '../../core/config.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../core/errors.ts';
import { hashApiKey } from '../apiKeys/keys.ts';
import type { Kysely } from 'kysely';
import { prepared } from '../../../db/prepared.ts';
import type { Database, Role } from '../../../db/schema.ts';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';

export interface Auth {
  keyId: string;
  userId: string;
  role: Role;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

/** The key from `X-API-Key` or `Authorization: Bearer`, or null when neither is sent. */
export function presentedKey(ctx: Context): string | null {
  const header = ctx.get('x-api-key').trim();
  if (header) return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return match?.[1] ?? null;
}

// Runs on every request: compiled once (db/prepared.ts).
const keyByHash = prepared((db: Kysely<Database>, keyHash: string) =>
  db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'k.id',
      'k.scopes',
      'k.revoked_at',
      'k.rate_limit_per_minute',
      'u.id as user_id',
      'u.role',
      'u.active',
    ])
    .where('k.key_hash', '=', keyHash),
);

const lastUsedWrites = new WeakMap<Deps, Map<string, number>>();

/** Resolves the presented key to its grant, or throws 401. */
export async function authenticate(deps: Deps, key: string | null): Promise<Auth> {
  if (!key) {
    throw new AppError(
      'UNAUTHORIZED',
      'missing API key: send it as X-API-Key or Authorization: Bearer',
    );
  }
  if (!apiKeyPattern.test(key)) throw new AppError('UNAUTHORIZED', 'invalid API key');
  const [row] = await keyByHash(deps.db, hashApiKey(key));
  if (!row) throw new AppError('UNAUTHORIZED', 'invalid API key');
  if (row.revoked_at) throw new AppError('UNAUTHORIZED', 'this API key has been revoked');
  if (!row.active) throw new AppError('UNAUTHORIZED', "this API key's user is deactivated");
  await touchLastUsed(deps, row.id);
  // The admin scope follows the user's role: a key made while its user was an admin grants
  // nothing through `admin` once the user is demoted (and again if promoted back).
  const granted = JSON.parse(row.scopes) as Scope[];
  return {
    keyId: row.id,
    userId: row.user_id,
    role: row.role,
    scopes: row.role === 'admin' ? granted : granted.filter((scope) => scope !== 'admin'),
    rateLimitPerMinute: row.rate_limit_per_minute,
  };
}

/** `lastUsedAt` is written at most once a minute per key, not on every request. */
async function touchLastUsed(deps: Deps, keyId: string): Promise<void> {
  let writes = lastUsedWrites.get(deps);
  if (!writes) lastUsedWrites.set(deps, (writes = new Map()));
  const now = deps.clock.now().getTime();
  const last = writes.get(keyId);
  if (last !== undefined && now - last < 60_000) return;
  writes.set(keyId, now);
  await deps.db
    .updateTable('api_keys')
    .set({ last_used_at: nowIso(deps.clock) })
    .where('id', '=', keyId)
    .execute();
}

export function requireScope(auth: Auth, required: Scope): void {
  if (!hasScope(auth.scopes, required)) {
    throw new AppError('FORBIDDEN', `this API key lacks the ${required} scope`, {
      required,
      granted: auth.scopes,
    });
  }
}
