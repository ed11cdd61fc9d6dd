// What every domain function runs with: the database (or the caller's transaction), the clock,
// and who acts. The HTTP pipeline builds it once per request from an API key or a session; background work
// (workflows, the CLI, the desktop app) builds its own. Nothing in the domain knows about HTTP.
//
// The one convention for cross-resource work: any domain function may be called with the
// context another one holds, inside its transaction. Writes open theirs with `inTransaction`,
// which joins the caller's when there is one, so "create a ticket and its contact" is
// `createTicket` calling `findOrCreateContact` with the same context, committed together.
import type { Db, ActorType, Role } from '../../db/schema.ts';
import { snapshot, transact } from '../../db/transact.ts';
import { type Scope, roleScopes, scopes } from '../../common/rules/scopes.ts';
import type { Clock } from '../core/clock.ts';

export interface Actor {
  type: ActorType;
  /** The API key, user or workflow that acts; null for the system. */
  id: string | null;
  /** The person the change is made for (a key's user); null for workflows and the system. */
  userId: string | null;
  role: Role | null;
  /** What this actor may do; the system and workflows may do everything. */
  scopes: readonly Scope[];
  /** Workflow runs that led here: a workflow's own changes carry depth + 1. */
  workflowDepth: number;
  /** The workflow whose run made this change, so it never re-triggers itself. */
  workflowId?: string;
  /** The ses_ id when a person acts through a signed-in browser session. */
  sessionId?: string;
}

export interface Ctx {
  readonly db: Db;
  readonly clock: Clock;
  readonly actor: Actor;
}

export const systemActor: Actor = {
  type: 'system',
  id: null,
  userId: null,
  role: null,
  scopes,
  workflowDepth: 0,
};

/** A workflow's run: acts with every scope, one level deeper than the event that started it. */
export function workflowActor(workflowId: string, depth: number): Actor {
  return { type: 'workflow', id: workflowId, userId: null, role: null, scopes, workflowDepth: depth, workflowId };
}

/** A caller with no credential yet (signing in, accepting an invitation): may do nothing. */
export const anonymousActor: Actor = {
  type: 'system',
  id: null,
  userId: null,
  role: null,
  scopes: [],
  workflowDepth: 0,
};

/** A person acting for themselves (a signed-in session, or the moment they sign in). */
export function userActor(user: { id: string; role: Role }, sessionId?: string): Actor {
  return {
    type: 'user',
    id: user.id,
    userId: user.id,
    role: user.role,
    scopes: roleScopes(user.role),
    workflowDepth: 0,
    ...(sessionId ? { sessionId } : {}),
  };
}

/** Work done at the machine (bootstrap, the CLI, the desktop shell), not through the API. */
export function systemContext(db: Db, clock: Clock): Ctx {
  return { db, clock, actor: systemActor };
}

/**
 * Runs `fn` in a transaction with a context on it: the caller's transaction when `ctx.db`
 * already is one, else a new one (db/transact.ts groups concurrent ones into one commit).
 */
export function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  return transact(ctx.db, (trx) => fn(trx === ctx.db ? ctx : { ...ctx, db: trx }));
}

/** Runs reads that must agree with each other on one snapshot (db/transact.ts `snapshot`). */
export function inSnapshot<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  return snapshot(ctx.db, (trx) => fn(trx === ctx.db ? ctx : { ...ctx, db: trx }));
}
