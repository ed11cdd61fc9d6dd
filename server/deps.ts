import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { RateLimiter } from './http/rateLimit.ts';
import type { Clock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import type { EventHub } from './background/hub.ts';
import type { Metrics } from './metrics/metrics.ts';

/** Everything a request handler may use; built once by createServer. */
export interface Deps {
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  logger: Logger;
  limiter: RateLimiter;
  /** Fans committed events out to streams, workflows and webhooks. */
  hub: EventHub;
  /** This server's Prometheus registry (never the process-wide default one). */
  metrics: Metrics;
}
