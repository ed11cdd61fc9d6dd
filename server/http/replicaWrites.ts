// A write made on a replica: done here at once, so the person sees it and it works offline, and
// queued in the same transaction for the host, which decides (replica engine:
// server/background/replica.ts). Some writes only mean something on this install (signing in,
// presence); some can only be done on the host (they hand out a secret, hold a file, or talk to a
// mail server): those are refused here with the reason, never half-done.
import { ulid } from 'ulid';
import { AppError } from '../core/errors.ts';
import type { ReplicaHandle } from '../deps.ts';
import { type Ctx, inTransaction } from '../domain/context.ts';
import { changeMark, queueWrite } from '../domain/sync/replicaStore.ts';
import { getTicket } from '../domain/tickets/tickets.read.ts';
import type { RouteDef } from './route.ts';

/** Writes that stay on this install. */
const localRoutes = new Set(['/auth/login', '/auth/logout', '/auth/sessions/:id', '/users/:id/sessions', '/presence']);

/** Writes only the host can do, and why. */
const hostRoutes: [RegExp, string][] = [
  [/^\/(admin\/backup|import|imports)(\/|$)/, 'backups and imports run on the host'],
  [/^\/attachments$/, 'files are uploaded to the host'],
  [/^\/(invitations|pairing-codes)(\/|$)/, 'invitations and pairing codes are made on the host'],
  [/^\/(mailboxes|webhooks)(\/|$)/, 'mailboxes and webhooks are set up on the host'],
  [/^\/api-keys$/, 'a new key is made on the host (its secret is shown once)'],
  [/^\/users\/:id\/password$/, 'passwords are changed on the host'],
  [/\/retry-delivery$/, 'mail is sent by the host'],
];

export type ReplicaPolicy = { kind: 'local' } | { kind: 'queue' } | { kind: 'host'; why: string };

export function replicaPolicy(route: RouteDef): ReplicaPolicy {
  if (route.method === 'GET' || localRoutes.has(route.path) || route.path.startsWith('/sync/')) return { kind: 'local' };
  const host = hostRoutes.find(([pattern]) => pattern.test(route.path));
  if (host || route.bodyStream) return { kind: 'host', why: host?.[1] ?? 'it sends a file' };
  return { kind: 'queue' };
}

/** The values a ticket change is made on (sent as X-LocalDesk-Expect), from the ticket as it is here. */
async function expectationOf(ctx: Ctx, route: RouteDef, params: Record<string, string>, body: unknown): Promise<string | null> {
  if (route.method !== 'PATCH' || route.path !== '/tickets/:id' || typeof body !== 'object' || body === null) return null;
  const current = (await getTicket(ctx, params.id ?? '')) as unknown as Record<string, unknown>;
  return JSON.stringify(Object.fromEntries(Object.keys(body).map((field) => [field, current[field] ?? null])));
}

export interface WriteRequest {
  method: string;
  /** Path and query as sent (/api/v1/…). */
  url: string;
  params: Record<string, string>;
  rawBody: unknown;
}

/** Runs a write on a replica (see the top of this file); `run` is the write as any server runs it. */
export async function replicaWrite<T extends { reply: { data: unknown } }>(
  replica: ReplicaHandle,
  route: RouteDef,
  request: WriteRequest,
  ctx: Ctx,
  run: (ctx: Ctx) => Promise<T>,
): Promise<T> {
  const policy = replicaPolicy(route);
  if (policy.kind === 'local') return run(ctx);
  if (policy.kind === 'host') {
    throw new AppError('UNAVAILABLE', `this install is a replica of ${replica.host}: ${policy.why}; do this there`);
  }
  const outcome = await inTransaction(ctx, async (tx) => {
    const mark = await changeMark(tx.db);
    const expect = await expectationOf(tx, route, request.params, request.rawBody);
    const result = await run(tx);
    const data = result.reply.data as { id?: unknown } | null;
    await queueWrite(
      tx.db,
      tx.clock,
      {
        id: `sync_${ulid()}`,
        method: request.method,
        path: request.url,
        body: request.rawBody === undefined ? null : JSON.stringify(request.rawBody),
        expect,
        localId: request.method === 'POST' && typeof data?.id === 'string' ? data.id : null,
        userId: ctx.actor.userId,
      },
      mark,
    );
    return result;
  });
  replica.kick();
  return outcome;
}
