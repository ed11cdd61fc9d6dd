import type { Logger } from 'pino';
import type { Db } from '../db/schema.ts';
import type { EventHub } from './background/hub.ts';
import type { LiveChannel } from './background/live.ts';
import type { PresenceBoard } from './background/presence.ts';
import type { Clock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import type { Authenticator } from './domain/auth/principal.ts';
import type { AttachmentStore } from './domain/attachments/attachments.store.ts';
import type { RequestLimiter } from './core/rateLimit.ts';
import type { ImportQueue } from './domain/imports/queue.ts';
import type { SecretBox } from './core/secrets.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { ReplicaSyncStatusT } from '../common/contract/sync.ts';

/** This install as a replica of a team host (server/background/replica.ts); absent on a host. */
export interface ReplicaHandle {
  /** The host's URL. */
  readonly host: string;
  /** A write was queued, or the host said something changed: push and pull soon. */
  kick(): void;
  /** What GET /sync/status answers on a replica. */
  status(): Promise<ReplicaStatus>;
}

export type ReplicaStatus = ReplicaSyncStatusT;
import type { ReadPool } from './background/readPool.ts';

/** What one running server is made of; built once by createServer and handed to its parts. */
export interface Deps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Resolves a presented API key or session cookie to its grant (401 otherwise). */
  authenticate: Authenticator;
  /** Requests per key and minute: in memory, or in the database when servers share it. */
  limiter: RequestLimiter;
  /** Fans committed events out to streams, workflows and webhooks. */
  hub: EventHub;
  /** Live messages that are not events (presence, new notifications), on this node only. */
  live: LiveChannel;
  /** Who has which ticket open or is replying to it (in memory, expiring). */
  presence: PresenceBoard;
  /** This server's Prometheus registry (never the process-wide default one). */
  metrics: Metrics;
  /** The files of attachments, beside the database in the data folder. */
  attachments: AttachmentStore;
  /** Hands import jobs (and their credentials, in memory only) from the API to the runner. */
  imports: ImportQueue;
  /** Worker threads serving the hot GETs on read-only connections (SQLite); null: none (the default, PostgreSQL, before listen). */
  readPool: ReadPool | null;
  /** Seals and opens stored secrets (mailbox passwords) with the key in the data folder. */
  secrets: SecretBox;
  /** Set when this install is a replica of a team host. */
  replica: ReplicaHandle | null;
}
