import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import cors from '@koa/cors';
import Koa from 'koa';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createLogger } from './core/log.ts';
import type { Database } from '../db/schema.ts';
import { RateLimiter } from './core/rateLimit.ts';
import { SecretBox } from './core/secrets.ts';
import { SharedRateLimiter } from './core/rateLimit.shared.ts';
import { dialectName } from '../db/dialect.ts';
import { type Clock, systemClock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import type { Deps } from './deps.ts';
import { EventHub } from './background/hub.ts';
import { openEventStreams } from './http/eventStream.ts';
import { mountRoutes, presentedKey } from './http/pipeline.ts';
import { ReadPool } from './background/readPool.ts';
import { readSessionCookie } from './http/sessionCookie.ts';
import { anonymousLimit } from './http/middleware/anonymousLimit.ts';
import { errorEnvelope } from './http/middleware/errors.ts';
import { httpMetrics } from './http/middleware/httpMetrics.ts';
import { credentialAuthenticator } from './domain/auth/principal.ts';
import { AttachmentStore } from './domain/attachments/attachments.store.ts';
import { DatabaseAttachmentStore } from './domain/attachments/attachments.store.postgres.ts';
import type { BackgroundStarter, BackgroundTask } from './background/task.ts';
import { hostCheck } from './http/middleware/hostCheck.ts';
import { renderer } from './http/middleware/renderer.ts';
import { requestLog } from './http/middleware/requestLog.ts';
import { securityHeaders } from './http/middleware/securityHeaders.ts';
import { createMetrics } from './metrics/metrics.ts';
import { apiRoutes } from './routes/index.ts';
import { publicApiRouter, rootRouter } from './routes/system.routes.ts';
import { startWebhookWorker } from './background/webhooks.ts';
import { startWorkflowEngine } from './background/workflows.ts';
import { startAttachmentCollector } from './background/attachments.ts';
import { LiveChannel } from './background/live.ts';
import { PresenceBoard } from './background/presence.ts';
import { startNotifier } from './background/notifications.ts';
import { startImportRunner } from './background/imports.ts';
import { ImportQueue } from './domain/imports/queue.ts';
import { startMailFetcher } from './background/mailFetcher.ts';
import { startMailSender } from './background/mailSender.ts';
import { ReplicaEngine, type ReplicaLink } from './background/replica.ts';
import { ReplicaAttachmentStore } from './background/replicaFiles.ts';
import { type Advertisement, advertise } from './background/discovery.ts';
import { appVersion } from './core/version.ts';

const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '::1';

/** The server's background work, in start order. */
const backgroundStarters: BackgroundStarter[] = [
  startWebhookWorker,
  startWorkflowEngine,
  startAttachmentCollector,
  startNotifier,
  (deps) => deps.presence.start(deps.config.presenceSweepMs),
  startImportRunner,
  startMailSender,
  startMailFetcher,
];

/** What a replica runs instead: the host does the side effects (mail, webhooks, workflows). */
const replicaStarters: BackgroundStarter[] = [
  (deps) => deps.presence.start(deps.config.presenceSweepMs),
  (deps) => (deps.replica as ReplicaEngine).start(),
];

export interface ServerOptions {
  db: Kysely<Database>;
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** This install is a replica of a team host (`serve --join`, remembered in the data folder). */
  replica?: { link: ReplicaLink; retry?: ConstructorParameters<typeof ReplicaEngine>[2] };
}

export interface LocalDeskServer {
  app: Koa;
  deps: Deps;
  /** Listens on config.host:config.port (port 0: any free port) and resolves with the URL. */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes sockets. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Builds the whole HTTP server from a database and a config. The CLI, the Electron shell and
 * the tests all go through here; the caller owns (and closes) the database.
 */
export function createServer(options: ServerOptions): LocalDeskServer {
  const { db, config } = options;
  const logger = options.logger ?? createLogger(config.logLevel).logger;
  const clock = options.clock ?? systemClock;
  const live = new LiveChannel();
  const deps: Deps = {
    db,
    config,
    clock,
    logger,
    authenticate: credentialAuthenticator(db, clock, { idleHours: config.sessionIdleHours }),
    // Servers sharing a PostgreSQL database must agree on each key's count (rateLimit.shared.ts).
    limiter:
      dialectName(db) === 'postgres'
        ? new SharedRateLimiter(db, (err) => logger.warn({ err }, 'could not clear old rate-limit counts'))
        : new RateLimiter(),
    hub: new EventHub(db, logger),
    live,
    presence: new PresenceBoard(clock, live, config.presenceTtlMs),
    metrics: createMetrics(db, { eventStreams: () => openEventStreams(deps) }),
    // Servers sharing PostgreSQL keep the bytes in it, so any of them serves any file.
    attachments: options.replica
      ? new ReplicaAttachmentStore(config.dataDir, options.replica.link)
      : dialectName(db) === 'postgres'
        ? new DatabaseAttachmentStore(config.dataDir, db)
        : new AttachmentStore(config.dataDir),
    imports: new ImportQueue(),
    secrets: new SecretBox(config.dataDir),
    replica: null,
    readPool: null,
  };
  if (options.replica) deps.replica = new ReplicaEngine(deps, options.replica.link, options.replica.retry);
  let shuttingDown = false;

  // Behind a trusted reverse proxy (LOCALDESK_TRUST_PROXY), X-Forwarded-Proto/-For/-Host are
  // believed: the protocol decides the Secure cookie flag, the address the sign-in throttle.
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true; // errors are logged by the envelope middleware, once
  app.use(requestLog(logger));
  app.use(httpMetrics(deps.metrics));
  app.use(errorEnvelope(logger));
  app.use(async (ctx, next) => {
    if (shuttingDown) ctx.set('Connection', 'close');
    // The server's own clock (injected in tests): clients measure their skew against it.
    ctx.set('Date', clock.now().toUTCString());
    await next();
  });
  app.use(hostCheck(config.host, config.allowedHosts));
  app.use(anonymousLimit(deps, (http) => presentedKey(http) !== null || readSessionCookie(http) !== null));
  if (config.corsOrigins.length > 0) {
    const origins = new Set(config.corsOrigins);
    app.use(
      cors({
        origin: (ctx) => (origins.has(ctx.get('origin')) ? ctx.get('origin') : ''),
        allowHeaders: ['X-API-Key', 'Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
        exposeHeaders: [
          'X-RateLimit-Limit',
          'X-RateLimit-Remaining',
          'X-RateLimit-Reset',
          'Retry-After',
          'X-Request-Id',
          'ETag',
        ],
      }),
    );
  }
  app.use(securityHeaders());

  const root = rootRouter(deps, () => shuttingDown);
  app.use(root.routes());
  const publicApi = publicApiRouter(apiRoutes);
  app.use(publicApi.routes());
  const api = new Router({ prefix: '/api/v1' });
  mountRoutes(api, apiRoutes, deps);
  app.use(api.routes());
  app.use(api.allowedMethods());
  app.use(root.allowedMethods());
  const ui = renderer(config.rendererDir);
  if (ui) app.use(ui);

  let server: Server | null = null;
  let tasks: BackgroundTask[] = [];
  let advertisement: Advertisement | null = null;
  return {
    app,
    deps,
    async listen() {
      await deps.hub.init();
      deps.readPool = await ReadPool.start(db, config.readWorkers, deps.metrics.registry);
      tasks = (deps.replica ? replicaStarters : backgroundStarters).map((start) => start(deps));
      return new Promise((resolve, reject) => {
        const httpServer = createHttpServer(app.callback());
        server = httpServer;
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          // Shared on the LAN: let other installs find it (localdesk discover).
          if (config.dnsSd && !isLoopback(config.host)) {
            advertisement = advertise(port, appVersion, (err) => logger.warn({ err }, 'could not announce this server on the LAN (DNS-SD)'));
          }
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`, port });
        });
      });
    },
    async close(graceMs = 10_000) {
      shuttingDown = true;
      await advertisement?.stop();
      advertisement = null;
      await deps.hub.close(); // ends open event streams, which would otherwise hold the server open
      await Promise.all(tasks.map((task) => task.stop()));
      tasks = [];
      await deps.readPool?.close();
      deps.readPool = null;
      const current = server;
      if (!current) return;
      server = null;
      const closed = new Promise<void>((resolve) => current.close(() => resolve()));
      // A keep-alive socket whose request finishes during the grace period turns idle after
      // close() began: keep closing idle sockets so we do not wait out the keep-alive timeout.
      current.closeIdleConnections();
      const sweep = setInterval(() => current.closeIdleConnections(), 50);
      const timer = setTimeout(() => current.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
    },
  };
}
