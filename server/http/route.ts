// One declaration per API route: its schemas drive request validation, the handler's types and
// the OpenAPI document, so the three cannot drift apart. What happens to a request on its way to
// the handler is in pipeline.ts.
import type { Context } from 'koa';
import type { PooledRead } from '../background/readPool.ts';
import type { z } from 'zod';
import type { ListMeta } from '../../common/contract/base.ts';
import type { Scope } from '../../common/rules/scopes.ts';
import type { ErrorCode } from '../core/errors.ts';
import type { Deps } from '../deps.ts';
import type { Ctx } from '../domain/context.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Reply<T> {
  data: T;
  /** `data` already serialized (a read served by the read pool): sent, and hashed for the ETag, as is. */
  json?: string;
  meta?: ListMeta;
  headers?: Record<string, string>;
}

type AnyObject = z.ZodType<Record<string, unknown>>;

/** The `:name` segments of a Koa path, as a union of names: `/tickets/:id` → `'id'`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export interface RouteInput<P extends string, Q extends AnyObject, B extends z.ZodType> {
  /** The domain context: the database, the clock and the caller as an actor. */
  ctx: Ctx;
  params: Record<PathParams<P>, string>;
  query: z.output<Q>;
  body: z.output<B>;
  /** Server-wide dependencies, for the routes that need more than the domain (streams, backups). */
  deps: Deps;
  /** The Koa context, for the routes that write the response themselves. */
  http: Context;
}

export interface RouteDef<
  P extends string = string,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Path under /api/v1, Koa style: `/tickets/:id`. */
  path: P;
  tag: string;
  summary: string;
  description?: string;
  /**
   * The scope a key or session needs; `any` admits every valid credential; `none` needs no
   * credential at all (signing in, accepting an invitation).
   */
  scope: Scope | 'any' | 'none';
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
   * The handler reads the request body itself, as a stream (uploads), so the JSON body reader
   * does not run: a file is never held in memory. The media types it takes, for OpenAPI.
   */
  bodyStream?: { mediaTypes: readonly string[]; description: string };
  /** For a route that writes its own body (`stream`): what a success sends, for OpenAPI. */
  produces?: { mediaType: string; description: string };
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
  /**
   * A hot read the read pool (background/readPool.ts) may serve instead of `handler`: the same
   * handler, run on a worker thread's read-only connection, when LOCALDESK_READ_WORKERS > 0.
   */
  pooledRead?: PooledRead;
  /** Error codes this route can answer beyond the common ones, for the OpenAPI document. */
  errors?: readonly Extract<ErrorCode, 'CONFLICT' | 'PRECONDITION_FAILED'>[];
  handler: (input: RouteInput<P, Q, B>) => Promise<Reply<z.output<R>>>;
}

/** Identity at run time; gives the handler its input and output types from the path and schemas. */
export function defineRoute<
  const P extends string,
  Q extends AnyObject,
  B extends z.ZodType,
  R extends z.ZodType,
>(def: RouteDef<P, Q, B, R>): RouteDef {
  return def as unknown as RouteDef;
}
