import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export interface Config {
  /** Folder holding the database file (and, later, backups). */
  readonly dataDir: string;
  /**
   * A postgres:// URL: the data lives in that PostgreSQL database instead of the SQLite file in
   * dataDir, and any number of servers may share it. Null: SQLite.
   */
  readonly databaseUrl: string | null;
  /** PostgreSQL connections this server keeps open at most. */
  readonly databasePoolSize: number;
  /**
   * SQLite only: worker threads with read-only connections that serve the hot GETs (ticket list,
   * ticket by id) beside the main thread, so reads use a second core; 0 serves every read on the
   * main connection.
   */
  readonly readWorkers: number;
  readonly host: string;
  readonly port: number;
  /** Extra Host names accepted when bound beyond loopback (LAN mode). */
  readonly allowedHosts: readonly string[];
  /** Browser origins allowed by CORS; empty means CORS is off. */
  readonly corsOrigins: readonly string[];
  /** Requests per minute for a key that has no limit of its own. */
  readonly rateLimitPerMinute: number;
  /** Requests per minute without a (valid) API key, per client address. */
  readonly publicRateLimitPerMinute: number;
  readonly bodyLimitBytes: number;
  /** LOCALDESK_ADMIN_KEY: an admin key to create on start if absent (automation). */
  readonly adminKey: string | null;
  /** Folder of the built web UI; served at / when it exists. */
  readonly rendererDir: string | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** How often an idle event stream sends a comment line, so proxies keep it open. */
  readonly sseHeartbeatMs: number;
  /** Event streams open at once on this server (503 beyond). */
  readonly maxEventStreams: number;
  /** Event streams one API key may hold open at once (429 beyond). */
  readonly maxEventStreamsPerKey: number;
  /** A webhook attempt that has no answer after this long is a failed attempt. */
  readonly webhookTimeoutMs: number;
  /** Retry delay after the first failed attempt; doubles with each further one (with jitter). */
  readonly webhookBackoffBaseMs: number;
  /** How often the webhook worker looks for retries that have come due. */
  readonly webhookPollMs: number;
  /** Attempts per delivery before it is marked failed. */
  readonly webhookMaxAttempts: number;
  /** A session unused for this long ends (LOCALDESK_SESSION_IDLE_HOURS). */
  readonly sessionIdleHours: number;
  /** A session ends this long after sign-in, however active (LOCALDESK_SESSION_MAX_DAYS). */
  readonly sessionMaxDays: number;
  /**
   * LOCALDESK_TRUST_PROXY: a reverse proxy terminates TLS in front of the server, so its
   * X-Forwarded-Proto / X-Forwarded-For are believed (Secure cookies, client addresses).
   */
  readonly trustProxy: boolean;
  /** LOCALDESK_DNS_SD: a server shared on the LAN announces itself as `_localdesk._tcp`. */
  readonly dnsSd: boolean;
  /** A viewer or replier with no heartbeat for this long is gone from presence. */
  readonly presenceTtlMs: number;
  /** How often presence is swept for expired entries. */
  readonly presenceSweepMs: number;
  /** A replica that cannot reach its host retries at most this far apart (LOCALDESK_SYNC_RETRY_MAX_MS). */
  readonly syncRetryMaxMs: number;
  /** How often tickets about to breach their SLA are looked for (notifications). */
  readonly slaNotifyCheckMs: number;
  /** LOCALDESK_MAX_ATTACHMENT_MB: the largest file one upload may hold. */
  readonly maxAttachmentBytes: number;
  /** The most the attachments of one message may hold together (twice the per-file limit). */
  readonly maxMessageAttachmentBytes: number;
  /** How often the attachment collector looks for files nothing references any more. */
  readonly attachmentSweepMs: number;
  /**
   * How long a file stays after its last row went before it is deleted: a backup taken by
   * another process (`localdesk backup`) copies the files its snapshot references after the
   * snapshot, and must still find them.
   */
  readonly attachmentOrphanGraceMs: number;
  /** An upload not attached to any message within this long is collected. */
  readonly attachmentUnlinkedTtlMs: number;
  /** IMAP: connecting (TCP, TLS, greeting, login) and each command must finish within this. */
  readonly mailTimeoutMs: number;
  /** IMAP: a fetch runs this often even while IDLE reports nothing (IDLE's fallback). */
  readonly mailPollMs: number;
  /** IMAP: IDLE is ended and started again this often (servers and NATs drop quiet ones). */
  readonly mailIdleRestartMs: number;
  /** IMAP: wait before the first reconnect after a failure; doubles up to mailReconnectMaxMs. */
  readonly mailReconnectBaseMs: number;
  readonly mailReconnectMaxMs: number;
  /** IMAP: a mailbox's first fetch (and one after a UIDVALIDITY change) reads this many days back. */
  readonly mailFirstSyncDays: number;
  /** A fetched message larger than this is quarantined unread ("too large"). */
  readonly mailMaxMessageBytes: number;
  /** SMTP: a send that has not finished after this long is a failed attempt. */
  readonly mailSendTimeoutMs: number;
  /** SMTP: retry delay after the first failed attempt; doubles with each further one (jitter). */
  readonly mailSendBackoffBaseMs: number;
  /** SMTP: attempts before a reply is marked failed (a 5xx answer fails it at once). */
  readonly mailSendMaxAttempts: number;
  /** How often the sender looks for retries that have come due. */
  readonly mailSendPollMs: number;
  /** Webhooks may post to private (LAN) and loopback addresses; link-local/metadata never. */
  readonly webhookAllowPrivateTargets: boolean;
}

export const defaultPort = 4870;
const mib = 1024 * 1024;
export const apiKeyPattern = /^ldk_[0-9A-Za-z]{40}$/;

const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const databaseUrl = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// (or postgresql://) URL');

const envSchema = z.object({
  LOCALDESK_DATA: z.string().trim().min(1).optional(),
  LOCALDESK_HOST: z.string().trim().min(1).optional(),
  LOCALDESK_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOCALDESK_ALLOWED_HOSTS: list.optional(),
  LOCALDESK_CORS_ORIGINS: list
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin)))
    .optional(),
  LOCALDESK_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).optional(),
  LOCALDESK_PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).optional(),
  LOCALDESK_ADMIN_KEY: z
    .string()
    .regex(apiKeyPattern, 'must be ldk_ followed by 40 letters or digits')
    .optional(),
  LOCALDESK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).optional(),
  LOCALDESK_SESSION_IDLE_HOURS: z.coerce.number().min(0.1).max(24 * 366).optional(),
  LOCALDESK_SESSION_MAX_DAYS: z.coerce.number().min(0.1).max(3660).optional(),
  LOCALDESK_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
  LOCALDESK_DNS_SD: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
  LOCALDESK_MAX_ATTACHMENT_MB: z.coerce.number().int().min(1).max(100_000).optional(),
  LOCALDESK_MAIL_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  LOCALDESK_SYNC_RETRY_MAX_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  LOCALDESK_MAIL_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_600).optional(),
  LOCALDESK_MAIL_SEND_RETRY_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  LOCALDESK_MAIL_MAX_MESSAGE_MB: z.coerce.number().int().min(1).max(1_024).optional(),
  LOCALDESK_MAIL_FIRST_SYNC_DAYS: z.coerce.number().int().min(0).max(3_650).optional(),
  LOCALDESK_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  LOCALDESK_MAX_STREAMS: z.coerce.number().int().min(1).max(100_000).optional(),
  LOCALDESK_MAX_STREAMS_PER_KEY: z.coerce.number().int().min(1).max(100_000).optional(),
  LOCALDESK_READ_WORKERS: z.coerce.number().int().min(0).max(16).optional(),
  LOCALDESK_DATABASE_URL: databaseUrl.optional(),
  // Each of the four event-feed followers (webhooks, workflows, notifications, mail) may hold two
  // connections during a round; fewer than eight would leave requests waiting for a connection.
  LOCALDESK_DATABASE_POOL_SIZE: z.coerce.number().int().min(8).max(1000).optional(),
});

export interface ConfigOverrides {
  dataDir?: string;
  /** --database: validated like LOCALDESK_DATABASE_URL. */
  databaseUrl?: string;
  host?: string;
  port?: number;
  rendererDir?: string | null;
}

export class ConfigError extends Error {}

/**
 * Builds the frozen configuration from the environment and command-line overrides (flags win),
 * failing fast with the name of the variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): Config {
  const known = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('LOCALDESK_') && v !== ''),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  let url = e.LOCALDESK_DATABASE_URL ?? null;
  if (overrides.databaseUrl !== undefined) {
    const flag = databaseUrl.safeParse(overrides.databaseUrl);
    if (!flag.success) throw new ConfigError(`invalid configuration: --database: ${flag.error.issues[0]?.message ?? 'invalid'}`);
    url = flag.data;
  }
  return Object.freeze({
    dataDir: resolve(overrides.dataDir ?? e.LOCALDESK_DATA ?? join(homedir(), '.localdesk')),
    databaseUrl: url,
    databasePoolSize: e.LOCALDESK_DATABASE_POOL_SIZE ?? 10,
    host: overrides.host ?? e.LOCALDESK_HOST ?? '127.0.0.1',
    port: overrides.port ?? e.LOCALDESK_PORT ?? defaultPort,
    allowedHosts: Object.freeze([...(e.LOCALDESK_ALLOWED_HOSTS ?? [])]),
    corsOrigins: Object.freeze([...(e.LOCALDESK_CORS_ORIGINS ?? [])]),
    rateLimitPerMinute: e.LOCALDESK_RATE_LIMIT ?? 100,
    publicRateLimitPerMinute: e.LOCALDESK_PUBLIC_RATE_LIMIT ?? 600,
    bodyLimitBytes: 1024 * 1024,
    adminKey: e.LOCALDESK_ADMIN_KEY ?? null,
    rendererDir: overrides.rendererDir === undefined ? null : overrides.rendererDir,
    logLevel: e.LOCALDESK_LOG_LEVEL ?? 'info',
    sseHeartbeatMs: 15_000,
    maxEventStreams: e.LOCALDESK_MAX_STREAMS ?? 1000,
    maxEventStreamsPerKey: e.LOCALDESK_MAX_STREAMS_PER_KEY ?? 20,
    readWorkers: e.LOCALDESK_READ_WORKERS ?? 0,
    webhookTimeoutMs: 10_000,
    webhookBackoffBaseMs: 10_000,
    webhookPollMs: 1_000,
    webhookMaxAttempts: 8,
    sessionIdleHours: e.LOCALDESK_SESSION_IDLE_HOURS ?? 12,
    sessionMaxDays: e.LOCALDESK_SESSION_MAX_DAYS ?? 30,
    trustProxy: e.LOCALDESK_TRUST_PROXY ?? false,
    dnsSd: e.LOCALDESK_DNS_SD ?? true,
    presenceTtlMs: 30_000,
    presenceSweepMs: 5_000,
    slaNotifyCheckMs: 60_000,
    maxAttachmentBytes: (e.LOCALDESK_MAX_ATTACHMENT_MB ?? 25) * mib,
    maxMessageAttachmentBytes: 2 * (e.LOCALDESK_MAX_ATTACHMENT_MB ?? 25) * mib,
    attachmentSweepMs: 10 * 60_000,
    attachmentOrphanGraceMs: 60 * 60_000,
    attachmentUnlinkedTtlMs: 24 * 60 * 60_000,
    mailTimeoutMs: (e.LOCALDESK_MAIL_TIMEOUT_SECONDS ?? 60) * 1000,
    mailPollMs: (e.LOCALDESK_MAIL_POLL_SECONDS ?? 60) * 1000,
    syncRetryMaxMs: e.LOCALDESK_SYNC_RETRY_MAX_MS ?? 10_000,
    mailIdleRestartMs: 5 * 60_000,
    mailReconnectBaseMs: 2_000,
    mailReconnectMaxMs: 5 * 60_000,
    mailFirstSyncDays: e.LOCALDESK_MAIL_FIRST_SYNC_DAYS ?? 3,
    mailMaxMessageBytes: (e.LOCALDESK_MAIL_MAX_MESSAGE_MB ?? 50) * 1024 * 1024,
    mailSendTimeoutMs: 60_000,
    mailSendBackoffBaseMs: (e.LOCALDESK_MAIL_SEND_RETRY_SECONDS ?? 30) * 1000,
    mailSendMaxAttempts: 10,
    mailSendPollMs: 2_000,
    webhookAllowPrivateTargets: e.LOCALDESK_WEBHOOK_ALLOW_PRIVATE ?? true,
  });
}

/** A config for tests and embedding: defaults plus the given fields. */
export function makeConfig(fields: Partial<Config> & { dataDir: string }): Config {
  return Object.freeze({ ...loadConfig({}), ...fields });
}
