import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Principal } from '../../domain/auth/principal.ts';

/** The credential's id (never its secret): `keyId` for an API key, `sessionId` for a session. */
function credentialOf(principal: Principal | undefined): { keyId: string | null; sessionId?: string } {
  if (principal?.type === 'session') return { keyId: null, sessionId: principal.credentialId };
  return { keyId: principal?.credentialId ?? null };
}

/** One structured log line per request, with the route template rather than the raw URL. */
export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const reqId = randomUUID();
    ctx.state.reqId = reqId;
    ctx.set('X-Request-Id', reqId);
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          reqId,
          method: ctx.method,
          route: (ctx as { _matchedRoute?: string })._matchedRoute ?? null,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(ms * 100) / 100,
          ...credentialOf(ctx.state.principal as Principal | undefined),
        },
        'request',
      );
    }
  };
}
