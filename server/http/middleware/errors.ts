import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../../core/errors.ts';
import { sendError } from '../envelope.ts';
import { isApiLikePath } from './renderer.ts';


/**
 * Writes the error envelope for anything thrown downstream, and for requests nothing answered:
 * an unknown route is a 404 and a known route with another method a 405, both as envelopes.
 * Unexpected errors are logged with their stack; the response only ever says "internal error".
 */
export function errorEnvelope(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body != null || ctx.status === 204 || ctx.status === 304) return;
      if (ctx.status === 405 || ctx.status === 501) {
        throw new AppError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`, {
          allowed: ctx.response.get('Allow').split(/,\s*/).filter(Boolean),
        });
      }
      if (ctx.status === 404) {
        throw new AppError(
          'NOT_FOUND',
          isApiLikePath(ctx.path) ? `no route ${ctx.method} ${ctx.path}` : `${ctx.path} not found`,
        );
      }
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === 'INTERNAL_ERROR') {
        logger.error({ err, reqId: ctx.state.reqId }, 'unhandled error');
      }
      // A refusal that says when to come back (a throttled sign-in) says it in the header too.
      const retryAfter = appError.details?.retryAfterSeconds;
      if (appError.code === 'RATE_LIMITED' && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
      sendError(ctx, appError);
    }
  };
}
