import type { Context, Middleware } from 'koa';
import { AppError } from '../../core/errors.ts';
import type { Deps } from '../../deps.ts';

/** Liveness and readiness checks are never refused: a supervisor or load balancer behind one address must not see the server down (and /ready must answer 503, not 500, when the database that keeps the counts is gone). */
const exempt = new Set(['/health', '/ready']);

/**
 * Counts one request without a valid API key against its client address; throws 429 (with
 * Retry-After) past `publicRateLimitPerMinute`. Keys have their own limits; this keeps anonymous
 * traffic (the API reference, the OpenAPI document, the UI's files, wrong keys) from crowding
 * out the people who have one.
 */
export async function countAnonymous(http: Context, deps: Deps): Promise<void> {
  const limit = deps.config.publicRateLimitPerMinute;
  const nowMs = deps.clock.now().getTime();
  const decision = await deps.limiter.hit(`addr:${http.request.ip}`, limit, nowMs);
  if (decision.allowed) return;
  const retryAfter = Math.max(1, decision.resetAt - Math.floor(nowMs / 1000));
  http.set('Retry-After', String(retryAfter));
  throw new AppError('RATE_LIMITED', `too many requests without an API key from this address (limit ${limit} per minute)`, {
    limit,
    retryAfterSeconds: retryAfter,
  });
}

/** Applies countAnonymous to every request that presents no key (a wrong key is counted when it fails). */
export function anonymousLimit(deps: Deps, hasKey: (http: Context) => boolean): Middleware {
  return async (ctx, next) => {
    if (!exempt.has(ctx.path) && !hasKey(ctx)) await countAnonymous(ctx, deps);
    await next();
  };
}
