// One declaration per API route: its schemas drive request validation, the handler's types and
// the OpenAPI document, so the three cannot drift apart.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { type Auth, authenticate, presentedKey, requireScope } from '../auth/authenticate.ts';
import type { Scope } from '../auth/scopes.ts';
import type { Deps } from '../deps.ts';
import { AppError, badRequest } from '../errors.ts';
import { readJsonBody } from './body.ts';
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

export function mountRoute(router: Router, route: RouteDef, deps: Deps): void {
  const method = route.method.toLowerCase() as Lowercase<Method>;
  router[method](route.path, async (ctx) => {
    const auth = await authenticate(deps, presentedKey(ctx));
    ctx.state.auth = auth;
    applyRateLimit(ctx, deps, auth);
    if (route.scope !== 'any') requireScope(auth, route.scope);
    const query = parseOrThrow(route.query ?? emptyQuery, singleValuedQuery(ctx), 'query');
    const rawBody = route.body ? await readJsonBody(ctx, deps.config.bodyLimitBytes) : undefined;
    const body = route.body ? parseOrThrow(route.body, rawBody, 'body') : undefined;
    const reply = await route.handler({ deps, auth, params: ctx.params, query, body, ctx });
    // A write may have committed events: let streams, workflows and webhooks see them.
    if (route.method !== 'GET') void deps.hub.notify();
    if (route.stream) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) ctx.set(name, value);
    ctx.status = route.status ?? 200;
    if (ctx.status === 204) return;
    ctx.body = reply.meta
      ? { data: reply.data, meta: reply.meta, error: null }
      : { data: reply.data, error: null };
  });
}
