// What every /api/v1 request goes through, stage by stage, before and after its handler:
//   authenticate → rate limit → authorize → parse → execute → publish → respond
// `execute` is where the HTTP concurrency rules live: a PATCH/PUT/DELETE with If-Match is
// checked against the ETag of the resource's GET in the same transaction as the change (412 if
// it no longer matches); a POST with Idempotency-Key replays the first response for 24 h (409
// if the key is reused for another request). GETs of single resources carry an ETag
// (If-None-Match → 304). A credential is an API key or a session cookie, resolved by the same
// stage to the same kind of principal; a write made with the cookie must also pass the CSRF
// rule (sessionCookie.ts). Routes with scope `none` (signing in) take no credential.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError, badRequest } from '../core/errors.ts';
import type { Deps } from '../deps.ts';
import { type Principal, actorOf, requireScope } from '../domain/auth/principal.ts';
import { type Ctx, anonymousActor, inTransaction } from '../domain/context.ts';
import { readJsonBody } from './body.ts';
import { sendData, sendDataJson } from './envelope.ts';
import { etagMatches, etagOf, etagOfJson } from './etag.ts';
import { checkIdempotencyKey, recall, remember, requestHash } from './idempotency.ts';
import type { Method, Reply, RouteDef, RouteInput } from './route.ts';
import { countAnonymous } from './middleware/anonymousLimit.ts';
import { pageToOffset } from './paging.ts';
import { parseOrThrow } from './validation.ts';
import { replicaWrite } from './replicaWrites.ts';
import { assertNotCrossOrigin, assertSameOriginWrite, readSessionCookie } from './sessionCookie.ts';

const emptyQuery = z.strictObject({});
type Input = RouteInput<string, z.ZodType<Record<string, unknown>>, z.ZodType>;

/** The key from `X-API-Key` or `Authorization: Bearer`, or null when neither is sent. */
export function presentedKey(http: Context): string | null {
  const header = http.get('x-api-key').trim();
  if (header) return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(http.get('authorization'));
  return match?.[1] ?? null;
}

/**
 * Stage 1: who is calling (401 otherwise). A presented key or session cookie that fails counts
 * as a request without a key against the client's address (429 past that limit): guessing keys
 * is anonymous traffic too.
 */
export async function authenticate(http: Context, deps: Deps): Promise<Principal> {
  const presented = { key: presentedKey(http), sessionToken: readSessionCookie(http) };
  let principal: Principal;
  try {
    principal = await deps.authenticate(presented);
  } catch (err) {
    const tried = presented.key !== null || presented.sessionToken !== null;
    if (tried && err instanceof AppError && err.code === 'UNAUTHORIZED') await countAnonymous(http, deps);
    throw err;
  }
  http.state.principal = principal;
  return principal;
}

/**
 * Stage 2: the caller's requests this minute (429 with Retry-After over the limit): per key or
 * session, and per client address for the routes that take no credential.
 */
async function rateLimit(http: Context, deps: Deps, principal: Principal | null): Promise<void> {
  const limit = principal ? (principal.rateLimitPerMinute ?? deps.config.rateLimitPerMinute) : deps.config.rateLimitPerMinute;
  const nowMs = deps.clock.now().getTime();
  const decision = await deps.limiter.hit(principal ? principal.credentialId : `ip:${http.ip}`, limit, nowMs);
  http.set('X-RateLimit-Limit', String(decision.limit));
  http.set('X-RateLimit-Remaining', String(decision.remaining));
  http.set('X-RateLimit-Reset', String(decision.resetAt));
  if (!decision.allowed) {
    const retryAfter = Math.max(1, decision.resetAt - Math.floor(nowMs / 1000));
    http.set('Retry-After', String(retryAfter));
    throw new AppError('RATE_LIMITED', `rate limit of ${limit} requests per minute exceeded`, {
      limit,
      retryAfterSeconds: retryAfter,
    });
  }
}

/**
 * A query parameter given twice is ambiguous: reject it rather than pick one. The result has no
 * prototype, so `__proto__` or `constructor` stay ordinary (unknown) names the schema refuses.
 */
function singleValuedQuery(http: Context): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(http.query)) {
    if (Array.isArray(value)) {
      throw badRequest(`invalid query: ${key}: give this parameter once`, [
        { path: key, message: 'give this parameter once' },
      ]);
    }
    if (value !== undefined) out[key] = value;
  }
  return out;
}

interface Parsed {
  query: Record<string, unknown>;
  body: unknown;
  /** The body as sent (before defaults and trimming): what an Idempotency-Key is bound to. */
  rawBody: unknown;
}

/** Stage 4: query and body validated against the route's schemas (400 listing every problem). */
async function parse(http: Context, deps: Deps, route: RouteDef, defaultLimit: number | null): Promise<Parsed> {
  let raw = singleValuedQuery(http);
  if (defaultLimit !== null) raw = pageToOffset(raw, defaultLimit);
  const query = parseOrThrow(route.query ?? emptyQuery, raw, 'query');
  // A streamed body is the handler's to read (route.bodyStream).
  const rawBody = route.body && !route.bodyStream ? await readJsonBody(http, deps.config.bodyLimitBytes) : undefined;
  const body = route.body ? parseOrThrow(route.body, rawBody, 'body') : undefined;
  return { query, body, rawBody };
}

function withoutSecrets(data: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields || typeof data !== 'object' || data === null) return data;
  return { ...data, ...Object.fromEntries(fields.map((field) => [field, null])) };
}

interface Outcome {
  status: number;
  reply: Reply<unknown>;
}

/** Stage 5: the handler, under If-Match or Idempotency-Key when the request carries one. */
async function execute(
  http: Context,
  route: RouteDef,
  getSibling: RouteDef | undefined,
  input: (ctx: Ctx) => Input,
  ctx: Ctx,
  rawBody: unknown,
  credentialId: string | null,
  deps: Deps,
): Promise<Outcome> {
  const status: number = route.status ?? 200;
  const ifMatch = http.get('if-match');
  if (ifMatch && getSibling && route.method !== 'GET') {
    const reply = await inTransaction(ctx, async (tx) => {
      const current = await getSibling.handler({ ...input(tx), query: (getSibling.query ?? emptyQuery).parse({}), body: undefined });
      const etag = etagOf(current.data);
      if (!etagMatches(ifMatch, etag)) {
        throw new AppError('PRECONDITION_FAILED', 'the resource has changed since you read it', {
          currentETag: etag,
        });
      }
      return route.handler(input(tx));
    });
    return { status, reply };
  }
  const idempotencyKey =
    route.method !== 'GET' && route.idempotency !== false && credentialId ? http.get('idempotency-key') : '';
  if (!idempotencyKey || !credentialId) {
    // Outside any transaction (a plain GET): the read pool's fresh read sees every commit.
    const pool = route.pooledRead && !ctx.db.isTransaction ? deps.readPool : null;
    if (pool && route.pooledRead) {
      const { json, meta } = await pool.run(route.pooledRead, ctx, http.params, input(ctx).query);
      return { status, reply: { data: undefined, json, meta } };
    }
    return { status, reply: await route.handler(input(ctx)) };
  }

  const key = checkIdempotencyKey(idempotencyKey);
  const hash = requestHash(route.method, http.path, rawBody);
  const outcome = await inTransaction(ctx, async (tx) => {
    const earlier = await recall(tx.db, tx.clock, credentialId, key, hash);
    if (earlier) return { replayed: earlier };
    const fresh = await route.handler(input(tx));
    await remember(tx.db, tx.clock, credentialId, key, hash, { status, body: withoutSecrets(fresh.data, route.secretFields) });
    return { fresh };
  });
  if (outcome.replayed) {
    http.set('Idempotent-Replayed', 'true');
    return { status: outcome.replayed.status, reply: { data: outcome.replayed.body } };
  }
  return { status, reply: outcome.fresh as Reply<unknown> };
}

/** Stage 7: the envelope; a single GET is serialized once, for its ETag and its body alike. */
function respond(http: Context, route: RouteDef, { status, reply }: Outcome): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) http.set(name, value);
  if (route.method === 'GET' && !route.list) {
    const json = reply.json ?? JSON.stringify(reply.data) ?? 'null';
    const etag = etagOfJson(json);
    http.set('ETag', etag);
    const ifNoneMatch = http.get('if-none-match');
    if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
      http.status = 304;
      return;
    }
    sendDataJson(http, status, json);
    return;
  }
  if (reply.json !== undefined) {
    sendDataJson(http, status, reply.json, reply.meta);
    return;
  }
  sendData(http, status, reply.data, reply.meta);
}

/** Mounts every route, each through the stages above. */
export function mountRoutes(router: Router, routes: readonly RouteDef[], deps: Deps): void {
  for (const route of routes) {
    const sibling = routes.find((r) => r.method === 'GET' && r.path === route.path && !r.list);
    mountRoute(router, route, deps, sibling);
  }
}

/** The default `limit` of a list route (what `page` alone pages by); null for other routes. */
function listDefaultLimit(route: RouteDef): number | null {
  if (!route.list || !route.query) return null;
  const limit = (route.query.parse({}) as { limit?: unknown }).limit;
  return typeof limit === 'number' ? limit : null;
}

function mountRoute(router: Router, route: RouteDef, deps: Deps, getSibling?: RouteDef): void {
  const method = route.method.toLowerCase() as Lowercase<Method>;
  const defaultLimit = listDefaultLimit(route);
  router[method](route.path, async (http) => {
    const principal = route.scope === 'none' ? null : await authenticate(http, deps);
    await rateLimit(http, deps, principal);
    if (!principal) assertNotCrossOrigin(http);
    else if (principal.type === 'session' && route.method !== 'GET') assertSameOriginWrite(http);
    const actor = principal ? actorOf(principal) : anonymousActor;
    if (route.scope !== 'any' && route.scope !== 'none') requireScope(actor, route.scope);
    const { query, body, rawBody } = await parse(http, deps, route, defaultLimit);
    const ctx: Ctx = { db: deps.db, clock: deps.clock, actor };
    const input = (c: Ctx): Input => ({ ctx: c, params: http.params, query, body, deps, http });
    const run = (c: Ctx) => execute(http, route, getSibling, input, c, rawBody, principal?.credentialId ?? null, deps);
    const outcome = deps.replica
      ? await replicaWrite(deps.replica, route, { method: route.method, url: http.originalUrl, params: http.params, rawBody }, ctx, run)
      : await run(ctx);
    // Stage 6: a write may have committed events: let streams, workflows and webhooks see them.
    if (route.method !== 'GET') void deps.hub.notify();
    if (route.stream) return;
    respond(http, route, outcome);
  });
}
