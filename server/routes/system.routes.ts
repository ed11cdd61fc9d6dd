// Routes that need no API key: liveness, readiness, version, the OpenAPI document and its
// interactive reference; and metrics, which need an admin key once bound beyond loopback.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import type { Context } from 'koa';
import { sql } from 'kysely';
import { z } from 'zod';
import { dialectName } from '../../db/dialect.ts';
import type { Deps } from '../deps.ts';
import { requireScope } from '../domain/auth/principal.ts';
import { sendData } from '../http/envelope.ts';
import { isLoopbackHost } from '../http/middleware/hostCheck.ts';
import { authenticate } from '../http/pipeline.ts';
import { type PublicOperation, buildOpenApi } from '../http/openapi.ts';
import type { RouteDef } from '../http/route.ts';
import { appName, appVersion } from '../core/version.ts';

const Version = z.object({ version: z.string(), name: z.string() });
const Health = z.object({ ok: z.literal(true), version: z.string() });
const Ready = z.object({
  ok: z.boolean().meta({ description: 'true when the server takes requests (false while shutting down)' }),
  db: z.boolean().meta({ description: 'true when the database answered a read just now' }),
  engine: z.enum(['sqlite', 'postgres']).meta({
    description: 'the database this server runs on: its SQLite file, or PostgreSQL (shared by every server of the install)',
  }),
});

export const publicOperations: PublicOperation[] = [
  { method: 'get', path: '/api/v1/version', tag: 'System', summary: 'Server version', response: Version, envelope: true },
  { method: 'get', path: '/health', tag: 'System', summary: 'Liveness (no database access)', response: Health, envelope: false },
  { method: 'get', path: '/ready', tag: 'System', summary: 'Readiness: 503 when the database is not usable', response: Ready, envelope: false },
  {
    method: 'get',
    path: '/metrics',
    tag: 'System',
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format (version 0.0.4): `localdesk_http_requests_total` and ' +
      '`localdesk_http_request_duration_seconds` by method, route template and status; ' +
      '`localdesk_tickets` by status; `localdesk_webhook_deliveries` by status; and the ' +
      'process metrics of the Prometheus client. No key is needed while the server is bound to ' +
      'loopback; otherwise a key with the `admin` scope is required.',
    response: z.string(),
    envelope: false,
    contentType: 'text/plain; version=0.0.4',
    keyOptional: true,
  },
];

const swaggerDir = (() => {
  const require = createRequire(import.meta.url);
  return join(require.resolve('swagger-ui-dist/package.json'), '..');
})();

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LocalDesk API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/v1/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/v1/docs/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script></body></html>`;

const docsInit = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#ui', deepLinking: true });`;

const docsAssets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/**
 * On loopback only this machine can scrape, so no key is asked for (a local Prometheus or a
 * curl just works); bound to a LAN interface (or every interface) an `admin` key is required.
 */
export function scrapeNeedsAdminKey(bindHost: string): boolean {
  return !isLoopbackHost(bindHost);
}

/**
 * Liveness, readiness and metrics at the root (no key on loopback: load balancers, supervisors
 * and scrapers call them).
 */
export function rootRouter(deps: Deps, isShuttingDown: () => boolean): Router {
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { ok: true, version: appVersion };
  });
  router.get('/metrics', async (ctx) => {
    if (scrapeNeedsAdminKey(deps.config.host)) requireScope(await authenticate(ctx, deps), 'admin');
    ctx.body = await deps.metrics.registry.metrics();
    ctx.set('Content-Type', deps.metrics.registry.contentType);
    ctx.set('Cache-Control', 'no-store');
  });
  router.get('/ready', async (ctx) => {
    let db = true;
    try {
      // A real read of a table (`select 1` succeeds without touching the file): the newest
      // event, one index entry on either engine.
      await sql`select seq from events order by seq desc limit 1`.execute(deps.db);
    } catch {
      db = false;
    }
    const ok = db && !isShuttingDown();
    ctx.status = ok ? 200 : 503;
    ctx.body = { ok, db, engine: dialectName(deps.db) };
  });
  return router;
}

/** A document served as the same bytes every time: built once, with its ETag. */
interface CachedDocument {
  type: string;
  body: Buffer;
  etag: string;
}

function cachedDocument(type: string, content: string | Buffer): CachedDocument {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** Sends a cached document, or 304 when the client already holds these bytes. */
function sendDocument(ctx: Context, doc: CachedDocument, cacheControl: string): void {
  ctx.set('ETag', doc.etag);
  ctx.set('Cache-Control', cacheControl);
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = doc.type;
  ctx.body = doc.body;
}

/**
 * version, openapi.json and docs under /api/v1: public, so a new integrator can start there.
 * Anyone can ask for them, so each is built or read from disk once (on first use) and served
 * from memory with an ETag: the OpenAPI document was serialized, and the 1.5 MB reference
 * bundle read from disk, on every request.
 */
export function publicApiRouter(routes: readonly RouteDef[]): Router {
  const router = new Router({ prefix: '/api/v1' });
  const docs = new Map<string, Promise<CachedDocument>>();
  /** The document under `name`, made once; a failed read is retried on the next request. */
  const once = (name: string, make: () => Promise<CachedDocument>): Promise<CachedDocument> => {
    let doc = docs.get(name);
    if (!doc) {
      doc = make();
      docs.set(name, doc);
      doc.catch(() => docs.delete(name));
    }
    return doc;
  };
  const revalidate = 'no-cache';
  router.get('/version', (ctx) => {
    sendData(ctx, 200, { version: appVersion, name: appName });
  });
  router.get('/openapi.json', async (ctx) => {
    const doc = await once('openapi.json', async () =>
      cachedDocument('application/json; charset=utf-8', JSON.stringify(buildOpenApi(routes, publicOperations, { version: appVersion }))),
    );
    sendDocument(ctx, doc, revalidate);
  });
  router.get('/docs', async (ctx) => {
    sendDocument(ctx, await once('docs', async () => cachedDocument('text/html; charset=utf-8', docsPage)), revalidate);
  });
  router.get('/docs/init.js', async (ctx) => {
    sendDocument(ctx, await once('init.js', async () => cachedDocument('text/javascript; charset=utf-8', docsInit)), revalidate);
  });
  router.get('/docs/:asset', async (ctx, next) => {
    const asset = ctx.params.asset ?? '';
    const type = docsAssets[asset];
    if (!type) return next();
    const doc = await once(asset, async () => cachedDocument(type, await readFile(join(swaggerDir, asset))));
    sendDocument(ctx, doc, 'public, max-age=86400');
  });
  return router;
}
