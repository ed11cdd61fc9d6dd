import type { Middleware } from 'koa';
import type { Metrics } from '../../metrics/metrics.ts';

/** Counts and times every request; sits outside the envelope, so it sees the final status. */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      metrics.observeRequest(
        {
          method: ctx.method,
          route: typeof matched === 'string' ? matched : 'unmatched',
          status: String(ctx.status),
        },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  };
}
