import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import serve from 'koa-static';

/**
 * Paths that look like API calls (`/api/...`, or `/v1/...` from a client that forgot the `/api`
 * prefix) are never answered with the UI: an unknown one stays a JSON 404.
 */
export function isApiLikePath(path: string): boolean {
  return /^\/(api|v\d+)(\/|$)/.test(path);
}

/**
 * A path the file server refuses (`..` escaping the folder, a malformed escape, a NUL byte):
 * koa-send throws an HTTP error (400/403) for these. They are a plain 404, not a 500 and not a
 * log line with a stack trace; anything else is a real error and propagates.
 */
function isRefusedPath(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Serves the built web UI. Hashed assets are cached for a year; any other GET for an HTML page
 * that matched nothing gets index.html, so the UI's own routes survive a reload.
 */
export function renderer(dir: string | null): Middleware | null {
  if (!dir || !existsSync(join(dir, 'index.html'))) return null;
  const files = serve(dir, {
    index: 'index.html',
    setHeaders: (res, path) => {
      const immutable = path.includes(`${join(dir, 'assets')}`);
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const index = serve(dir, { index: 'index.html' });
  return async (ctx, next) => {
    if (isApiLikePath(ctx.path)) return next();
    try {
      await files(ctx, next);
    } catch (err) {
      if (!isRefusedPath(err)) throw err;
      ctx.status = 404;
      return;
    }
    if (ctx.body != null || ctx.method !== 'GET' || !ctx.accepts('html')) return;
    if (ctx.path.includes('.')) return;
    const path = ctx.path;
    ctx.path = '/';
    await index(ctx, next);
    ctx.path = path;
  };
}
