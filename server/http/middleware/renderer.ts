import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import serve from 'koa-static';

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
    if (ctx.path.startsWith('/api/')) return next();
    await files(ctx, next);
    if (ctx.body != null || ctx.method !== 'GET' || !ctx.accepts('html')) return;
    if (ctx.path.includes('.')) return;
    const path = ctx.path;
    ctx.path = '/';
    await index(ctx, next);
    ctx.path = path;
  };
}
