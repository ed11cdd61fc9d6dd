// Sessions: a person signed in from one browser. The cookie holds a random 256-bit token; the
// table holds its hash, who it belongs to, where it came from and when it ends: after
// `idleHours` without a request, or `maxDays` after sign-in, whichever comes first. Ending a
// session deletes its row, so its cookie stops working at the next request.
import type { ListPage } from '../../../common/contract/base.ts';
import type { SessionListParams, SessionT } from '../../../common/contract/auth.ts';
import type { Db, SessionRow } from '../../../db/schema.ts';
import { prepared } from '../../../db/prepared.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction, userActor } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { generateToken, hashToken, tokenPattern } from '../auth/tokens.ts';
import { hasScope } from '../../../common/rules/scopes.ts';

export interface SessionLifetime {
  idleHours: number;
  maxDays: number;
}

/** Where a sign-in comes from, as the HTTP layer saw it. */
export interface ClientInfo {
  ip: string;
  /** The User-Agent header, shortened. */
  device: string;
}

/** A person using the web UI makes many small requests (views, counts, live refreshes). */
export const sessionRateLimitPerMinute = 6000;

export function presentSession(row: SessionRow, currentId: string | undefined): SessionT {
  return {
    id: row.id,
    userId: row.user_id,
    device: row.device,
    ip: row.ip,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    current: row.id === currentId,
  };
}

/** The moment before which a session's last request must fall for it to have gone idle. */
export function idleCutoff(clock: Clock, idleHours: number): string {
  return new Date(clock.now().getTime() - idleHours * 3_600_000).toISOString();
}

export interface NewSession {
  session: SessionT;
  /** The cookie's value: returned once, to be set as the cookie; never stored. */
  token: string;
}

/**
 * Opens a session for `userId` (the context's actor should be that user) and records
 * auth.session_created. Sessions that have ended by time are swept away on the way.
 */
export async function createSession(
  ctx: Ctx,
  userId: string,
  client: ClientInfo,
  lifetime: SessionLifetime,
): Promise<NewSession> {
  const now = nowIso(ctx.clock);
  const token = generateToken();
  const row: SessionRow = {
    id: newId('session', ctx.clock),
    token_hash: hashToken(token),
    user_id: userId,
    device: client.device.slice(0, 200),
    ip: client.ip.slice(0, 64),
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(ctx.clock.now().getTime() + lifetime.maxDays * 86_400_000).toISOString(),
  };
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff(ctx.clock, lifetime.idleHours))]))
      .execute();
    await tx.db.insertInto('sessions').values(row).execute();
    await recordEvent(tx, {
      type: 'auth.session_created',
      resourceType: 'auth',
      resourceId: row.id,
      data: { sessionId: row.id, userId, device: row.device, ip: row.ip },
    });
  });
  return { session: presentSession(row, row.id), token };
}

/** Whose sessions the actor asks about: their own, or (admin) anyone's. */
function ownerFor(ctx: Ctx, userId: string | undefined): string {
  const own = ctx.actor.userId;
  if (userId && userId !== own) {
    if (!hasScope(ctx.actor.scopes, 'admin')) {
      throw new AppError('FORBIDDEN', "only an admin may see or end another user's sessions", {
        required: 'admin',
        granted: ctx.actor.scopes,
      });
    }
    return userId;
  }
  if (!own) throw new AppError('FORBIDDEN', 'sessions belong to a user; this caller has none');
  return own;
}

/** Live sessions of the actor (or, for an admin, of `userId`), newest first. */
export async function listSessions(
  ctx: Ctx,
  params: SessionListParams,
  idleHours: number,
): Promise<ListPage<SessionT>> {
  const where = ctx.db
    .selectFrom('sessions')
    .where('user_id', '=', ownerFor(ctx, params.userId))
    .where('expires_at', '>', nowIso(ctx.clock))
    .where('last_seen_at', '>', idleCutoff(ctx.clock, idleHours));
  const { n } = await where.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await where
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return {
    data: rows.map((r) => presentSession(r, ctx.actor.sessionId)),
    meta: { total: n, limit: params.limit, offset: params.offset },
  };
}

/** Ends one session: the actor's own, or any (admin). Someone else's is a 404 to a non-admin. */
export async function endSession(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await tx.db.selectFrom('sessions').select(['id', 'user_id']).where('id', '=', id).executeTakeFirst();
    const mine = row?.user_id === ctx.actor.userId;
    if (!row || (!mine && !hasScope(ctx.actor.scopes, 'admin'))) throw notFound('session', id);
    await tx.db.deleteFrom('sessions').where('id', '=', id).execute();
    await recordEvent(tx, {
      type: 'auth.session_ended',
      resourceType: 'auth',
      resourceId: id,
      data: { sessionId: id, userId: row.user_id, reason: mine ? 'signed out' : 'ended by an admin' },
    });
  });
}

/** Signing out: ends the session a cookie's token opens, if it still exists. */
export async function signOut(ctx: Ctx, token: string): Promise<void> {
  if (!tokenPattern.test(token)) return;
  await inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 'u.id as user_id', 'u.role'])
      .where('s.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return;
    await tx.db.deleteFrom('sessions').where('id', '=', row.id).execute();
    await recordEvent({ ...tx, actor: userActor({ id: row.user_id, role: row.role }, row.id) }, {
      type: 'auth.session_ended',
      resourceType: 'auth',
      resourceId: row.id,
      data: { sessionId: row.id, userId: row.user_id, reason: 'signed out' },
    });
  });
}

/**
 * Ends every session of a user (deactivation, a password reset), or every one but `exceptId`
 * (your own password change keeps the browser you made it from). Returns how many ended.
 */
export async function endUserSessions(ctx: Ctx, userId: string, reason: string, exceptId?: string): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    let query = tx.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) query = query.where('id', '!=', exceptId);
    const result = await query.executeTakeFirst();
    const ended = Number(result.numDeletedRows);
    if (ended > 0) {
      await recordEvent(tx, {
        type: 'auth.sessions_ended',
        resourceType: 'auth',
        resourceId: userId,
        data: { userId, count: ended, reason },
      });
    }
    return ended;
  });
}

// Runs on every cookie-authenticated request: compiled once (db/prepared.ts).
const byTokenHash = prepared((db: Db, tokenHash: string) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.expires_at', 's.last_seen_at', 'u.id as user_id', 'u.role', 'u.active'])
    .where('s.token_hash', '=', tokenHash),
);

/** The session a cookie's token opens, with its user; undefined when there is none. */
export async function sessionByToken(db: Db, token: string) {
  const [row] = await byTokenHash(db, hashToken(token));
  return row;
}

/** Moves a session's last-seen time (the idle timeout counts from it). */
export async function touchSession(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

