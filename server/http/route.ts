// One declaration per API route: its schemas drive request validation, the handler's types and
// the OpenAPI document, so the three cannot drift apart.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { type Auth, authenticate, presentedKey, requireScope } from '../domain/auth/principal.ts';
import type { Scope } from '../../common/rules/scopes.ts';
import type { Deps } from '../deps.ts';
import { AppError, badRequest } from '../core/errors.ts';
import { transact } from '../../db/transact.ts';
import { readJsonBody } from './body.ts';
import { etagMatches, etagOf, etagOfJson } from './etag.ts';
import { checkIdempotencyKey, recall, remember, requestHash } from './idempotency.ts';
import { parseOrThrow } from './validation.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ListMeta {
  total: number;
  limit: number;
  offset: number;
}

export interface Reply<T> {
  data: T;
  meta?: ListMeta;
  headers?: Record<string, string>;
}

type AnyObject = z.ZodType<Record<string, unknown>>;

export interface RouteInput<Q extends AnyObject, B extends z.ZodType> {
  deps: Deps;
  auth: Auth;
  params: Record<string, string>;
  query: z.output<Q>;
  body: z.output<B>;
  ctx: Context;
}

export interface RouteDef<
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Path under /api/v1, Koa style: `/tickets/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The scope a key needs; `any` admits every valid key. */
  scope: Scope | 'any';
  query?: Q;
  body?: B;
  /** Success status; 204 sends no body. */
  status?: 200 | 201 | 204;
  /** Schema of `data` in the success envelope (for lists: the array). */
  response?: R;
  list?: boolean;
  /** The handler writes the response itself (Server-Sent Events); no envelope. */
  stream?: boolean;
  /**
   * Fields of `data` shown once (a new API key's secret): an Idempotency-Key replay returns
   * them as null, so the stored response never holds a secret.
   */
  secretFields?: readonly string[];
  /**
   * false: Idempotency-Key is not applied (a streamed body, or work too long to hold the
   * database for: import is idempotent by id anyway; a repeated backup is one more snapshot).
   */
  idempotency?: false;
  /** Error codes this route can answer beyond the common ones, for the OpenAPI document. */
  errors?: readonly ('CONFLICT' | 'PRECONDITION_FAILED')[];
  handler: (input: RouteInput<Q, B>) => Promise<Reply<z.output<R>>>;
}

/** Identity at run time; gives the handler its input and output types from the schemas. */
export function defineRoute<Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
  def: RouteDef<Q, B, R>,
): RouteDef {
  return def as unknown as RouteDef;
}

function applyRateLimit(ctx: Context, deps: Deps, auth: Auth): void {
  const limit = auth.rateLimitPerMinute ?? deps.config.rateLimitPerMinute;
  const decision = deps.limiter.hit(auth.keyId, limit, deps.clock.now().getTime());
  ctx.set('X-RateLimit-Limit', String(decision.limit));
  ctx.set('X-RateLimit-Remaining', String(decision.remaining));
  ctx.set('X-RateLimit-Reset', String(decision.resetAt));
  if (!decision.allowed) {
    const retryAfter = Math.max(1, decision.resetAt - Math.floor(deps.clock.now().getTime() / 1000));
    ctx.set('Retry-After', String(retryAfter));
    throw new AppError('RATE_LIMITED', `rate limit of ${limit} requests per minute exceeded`, {
      limit,
      retryAfterSeconds: retryAfter,
    });
  }
}

/** A query parameter given twice is ambiguous: reject it rather than pick one. */
function singleValuedQuery(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value)) {
      throw badRequest(`invalid query: ${key}: give this parameter once`, [
        { path: key, message: 'give this parameter once' },
      ]);
    }
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const emptyQuery = z.strictObject({});

function withoutSecrets(data: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields || typeof data !== 'object' || data === null) return data;
  return { ...data, ...Object.fromEntries(fields.map((field) => [field, null])) };
}

/**
 * Mounts every route. Beyond auth, rate limits, scopes and validation, this is where the HTTP
 * concurrency rules live: GETs of single resources carry an ETag (If-None-Match → 304);
 * a PATCH/PUT/DELETE with If-Match is checked against the ETag of the resource's GET and
 * applied in the same transaction (412 if it no longer matches); a POST with Idempotency-Key
 * replays the first response for 24 h (409 if the key is reused for another request).
 */
export function mountRoutes(router: Router, routes: readonly RouteDef[], deps: Deps): void {
  for (const route of routes) {
    const sibling = routes.find((r) => r.method === 'GET' && r.path === route.path && !r.list);
    mountRoute(router, route, deps, sibling);
  }
}

function mountRoute(router: Router, route: RouteDef, deps: Deps, getSibling?: RouteDef): void {
  const method = route.method.toLowerCase() as Lowercase<Method>;
  router[method](route.path, async (ctx) => {
    const auth = await authenticate(deps, presentedKey(ctx));
    ctx.state.auth = auth;
    applyRateLimit(ctx, deps, auth);
    if (route.scope !== 'any') requireScope(auth, route.scope);
    const query = parseOrThrow(route.query ?? emptyQuery, singleValuedQuery(ctx), 'query');
    const rawBody = route.body ? await readJsonBody(ctx, deps.config.bodyLimitBytes) : undefined;
    const body = route.body ? parseOrThrow(route.body, rawBody, 'body') : undefined;
    const run = (d: Deps) => route.handler({ deps: d, auth, params: ctx.params, query, body, ctx });

    const ifMatch = ctx.get('if-match');
    const idempotencyKey =
      route.method === 'POST' && route.idempotency !== false ? ctx.get('idempotency-key') : '';
    let status: number = route.status ?? 200;
    let reply: Reply<unknown>;
    if (ifMatch && getSibling && route.method !== 'GET') {
      reply = await transact(deps.db, async (trx) => {
        const d = { ...deps, db: trx };
        const current = await getSibling.handler({
          deps: d,
          auth,
          params: ctx.params,
          query: (getSibling.query ?? emptyQuery).parse({}),
          body: undefined,
          ctx,
        });
        const etag = etagOf(current.data);
        if (!etagMatches(ifMatch, etag)) {
          throw new AppError('PRECONDITION_FAILED', 'the resource has changed since you read it', {
            currentETag: etag,
          });
        }
        return run(d);
      });
    } else if (idempotencyKey) {
      const key = checkIdempotencyKey(idempotencyKey);
      const hash = requestHash(route.method, ctx.path, rawBody);
      const outcome = await transact(deps.db, async (trx) => {
        const earlier = await recall(trx, deps.clock, auth.keyId, key, hash);
        if (earlier) return { replayed: earlier };
        const fresh = await run({ ...deps, db: trx });
        const stored = withoutSecrets(fresh.data, route.secretFields);
        await remember(trx, deps.clock, auth.keyId, key, hash, { status, body: stored });
        return { fresh };
      });
      if (outcome.replayed) {
        ctx.set('Idempotent-Replayed', 'true');
        status = outcome.replayed.status;
        reply = { data: outcome.replayed.body };
      } else {
        reply = outcome.fresh as Reply<unknown>;
      }
    } else {
      reply = await run(deps);
    }

    // A write may have committed events: let streams, workflows and webhooks see them.
    if (route.method !== 'GET') void deps.hub.notify();
    if (route.stream) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) ctx.set(name, value);
    if (route.method === 'GET' && !route.list) {
      // Serialized once: the ETag is the hash of exactly the `data` JSON in the body.
      const json = JSON.stringify(reply.data) ?? 'null';
      const etag = etagOfJson(json);
      ctx.set('ETag', etag);
      const ifNoneMatch = ctx.get('if-none-match');
      if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
        ctx.status = 304;
        return;
      }
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = `{"data":${json},"error":null}`;
      return;
    }
    ctx.status = status;
    if (ctx.status === 204) return;
    ctx.body = reply.meta
      ? { data: reply.data, meta: reply.meta, error: null }
      : { data: reply.data, error: null };
  });
}
