// Who is calling: a presented credential (an API key, or a session cookie's token) resolved to
// its grant, and the actor the domain sees. The HTTP pipeline calls this once per request
// (server/http/pipeline.ts); so does the metrics scrape. One path for both kinds of credential.
import { nowIso, type Clock } from '../../core/clock.ts';
import { apiKeyPattern } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import { hashApiKey } from '../apiKeys/keys.ts';
import { prepared } from '../../../db/prepared.ts';
import type { Db, Role } from '../../../db/schema.ts';
import { type Scope, hasScope, roleScopes } from '../../../common/rules/scopes.ts';
import { type Actor, userActor } from '../context.ts';
import { idleCutoff, sessionByToken, sessionRateLimitPerMinute, touchSession } from '../sessions/sessions.service.ts';
import { tokenPattern } from './tokens.ts';

/** A presented credential after it checked out. */
export interface Principal {
  type: 'apiKey' | 'session';
  /** The key_ or ses_ id: what rate limits and Idempotency-Key records are kept by. */
  credentialId: string;
  userId: string;
  role: Role;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

/** A session acts as its user (actor type `user`); a key as itself, for its user. */
export function actorOf(principal: Principal): Actor {
  if (principal.type === 'session') {
    return userActor({ id: principal.userId, role: principal.role }, principal.credentialId);
  }
  return {
    type: 'apiKey',
    id: principal.credentialId,
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

/** What a request presented: an API key header, a session cookie, both or neither. */
export interface Presented {
  key: string | null;
  sessionToken: string | null;
}

export type Authenticator = (presented: Presented) => Promise<Principal>;

/**
 * Writes of a "last used" time at most once a minute per credential, remembered here. A note,
 * not the request's purpose: while the database takes no writes (a full disk, an import holding
 * it) the request goes on and the note is tried again next time.
 */
function throttledWrites(clock: Clock): (id: string, write: () => Promise<unknown>) => Promise<void> {
  const last = new Map<string, number>();
  return async (id, write) => {
    const now = clock.now().getTime();
    const previous = last.get(id);
    if (previous !== undefined && now - previous < 60_000) return;
    last.set(id, now);
    try {
      await write();
    } catch (err) {
      if (!isPassingDatabaseError(err)) throw err;
      last.delete(id);
    }
  };
}

/**
 * Resolves a presented credential to its grant, or throws 401. An API key wins over a cookie
 * (an integration's request is about the key). `lastUsedAt` / `lastSeenAt` are written at most
 * once a minute per credential, not on every request.
 */
export function credentialAuthenticator(db: Db, clock: Clock, session: { idleHours: number }): Authenticator {
  const noteUse = throttledWrites(clock);

  async function byKey(key: string): Promise<Principal> {
    if (!apiKeyPattern.test(key)) throw new AppError('UNAUTHORIZED', 'invalid API key');
    const [row] = await keyByHash(db, hashApiKey(key));
    if (!row) throw new AppError('UNAUTHORIZED', 'invalid API key');
    if (row.revoked_at) throw new AppError('UNAUTHORIZED', 'this API key has been revoked');
    if (!row.active) throw new AppError('UNAUTHORIZED', "this API key's user is deactivated");
    await noteUse(row.id, () =>
      db.updateTable('api_keys').set({ last_used_at: nowIso(clock) }).where('id', '=', row.id).execute(),
    );
    // The admin scope follows the user's role: a key made while its user was an admin grants
    // nothing through `admin` once the user is demoted (and again if promoted back).
    const granted = JSON.parse(row.scopes) as Scope[];
    return {
      type: 'apiKey',
      credentialId: row.id,
      userId: row.user_id,
      role: row.role,
      scopes: row.role === 'admin' ? granted : granted.filter((scope) => scope !== 'admin'),
      rateLimitPerMinute: row.rate_limit_per_minute,
    };
  }

  async function bySession(token: string): Promise<Principal> {
    const ended = 'your session has ended: sign in again';
    if (!tokenPattern.test(token)) throw new AppError('UNAUTHORIZED', ended);
    const row = await sessionByToken(db, token);
    if (!row) throw new AppError('UNAUTHORIZED', ended);
    const now = nowIso(clock);
    if (row.expires_at <= now) throw new AppError('UNAUTHORIZED', 'your session has expired: sign in again');
    if (row.last_seen_at <= idleCutoff(clock, session.idleHours)) {
      throw new AppError('UNAUTHORIZED', 'your session ended after a time without use: sign in again');
    }
    if (!row.active) throw new AppError('UNAUTHORIZED', 'this user is deactivated');
    await noteUse(row.id, () => touchSession(db, row.id, now));
    return {
      type: 'session',
      credentialId: row.id,
      userId: row.user_id,
      role: row.role,
      scopes: roleScopes(row.role),
      rateLimitPerMinute: sessionRateLimitPerMinute,
    };
  }

  return async ({ key, sessionToken }) => {
    if (key) return byKey(key);
    if (sessionToken) return bySession(sessionToken);
    throw new AppError(
      'UNAUTHORIZED',
      'missing credentials: sign in, or send an API key as X-API-Key or Authorization: Bearer',
    );
  };
}

function isPassingDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|BUSY|LOCKED)/.test(code);
}

/** 403 unless the actor holds `required` (or `admin`). */
export function requireScope(actor: { scopes: readonly Scope[]; type?: string }, required: Scope): void {
  if (!hasScope(actor.scopes, required)) {
    const person = actor.type === 'user' || actor.type === 'session';
    const message = person ? `your role does not grant the ${required} scope` : `this API key lacks the ${required} scope`;
    throw new AppError('FORBIDDEN', message, {
      required,
      granted: actor.scopes,
    });
  }
}
