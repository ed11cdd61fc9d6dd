// Who is calling: an API key resolved to its grant, and the actor the domain sees. The HTTP
// pipeline calls this once per request (server/http/pipeline.ts); so does the metrics scrape.
import { nowIso, type Clock } from '../../core/clock.ts';
import { apiKeyPattern } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import { hashApiKey } from '../apiKeys/keys.ts';
import { prepared } from '../../../db/prepared.ts';
import type { Db, Role } from '../../../db/schema.ts';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';
import type { Actor } from '../context.ts';

/** A presented credential after it checked out. */
export interface Principal {
  keyId: string;
  userId: string;
  role: Role;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

export function actorOf(principal: Principal): Actor {
  return {
    type: 'apiKey',
    id: principal.keyId,
    userId: principal.userId,
    role: principal.role,
    scopes: principal.scopes,
    workflowDepth: 0,
  };
}

// Runs on every request: compiled once (db/prepared.ts).
const keyByHash = prepared((db: Db, keyHash: string) =>
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

export type Authenticator = (key: string | null) => Promise<Principal>;

/**
 * Resolves a presented API key to its grant, or throws 401. `lastUsedAt` is written at most
 * once a minute per key (this authenticator remembers when), not on every request.
 */
export function apiKeyAuthenticator(db: Db, clock: Clock): Authenticator {
  const lastUsedWrites = new Map<string, number>();
  return async (key) => {
    if (!key) {
      throw new AppError('UNAUTHORIZED', 'missing API key: send it as X-API-Key or Authorization: Bearer');
    }
    if (!apiKeyPattern.test(key)) throw new AppError('UNAUTHORIZED', 'invalid API key');
    const [row] = await keyByHash(db, hashApiKey(key));
    if (!row) throw new AppError('UNAUTHORIZED', 'invalid API key');
    if (row.revoked_at) throw new AppError('UNAUTHORIZED', 'this API key has been revoked');
    if (!row.active) throw new AppError('UNAUTHORIZED', "this API key's user is deactivated");
    const now = clock.now().getTime();
    const last = lastUsedWrites.get(row.id);
    if (last === undefined || now - last >= 60_000) {
      lastUsedWrites.set(row.id, now);
      try {
        await db.updateTable('api_keys').set({ last_used_at: nowIso(clock) }).where('id', '=', row.id).execute();
      } catch (err) {
        // A note, not the request's purpose: while the database takes no writes (a full disk,
        // an import holding it) the request goes on and the note is tried again next time.
        if (!isPassingDatabaseError(err)) throw err;
        lastUsedWrites.delete(row.id);
      }
    }
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
  };
}

function isPassingDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|BUSY|LOCKED)/.test(code);
}

/** 403 unless the actor holds `required` (or `admin`). */
export function requireScope(actor: Pick<Actor, 'scopes'>, required: Scope): void {
  if (!hasScope(actor.scopes, required)) {
    throw new AppError('FORBIDDEN', `this API key lacks the ${required} scope`, {
      required,
      granted: actor.scopes,
    });
  }
}
