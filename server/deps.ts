import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { RateLimiter } from './auth/rateLimit.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { EventHub } from './events/hub.ts';
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
