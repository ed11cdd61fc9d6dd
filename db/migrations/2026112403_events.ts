// Events (the change feed), the webhook outbox, idempotency records and workflows.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // seq is assigned in commit order (SQLite has one writer at a time), which is what makes the
    // `after` cursor free of gaps and duplicates while writes continue.
    sql`CREATE TABLE events (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      resource_type TEXT NOT NULL,
      resource_id TEXT,
      actor_type TEXT NOT NULL CHECK (actor_type IN ('apiKey', 'user', 'workflow', 'system')),
      actor_id TEXT,
      data TEXT NOT NULL,
      workflow_depth INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX events_type ON events (type, seq)`,
    sql`CREATE INDEX events_resource ON events (resource_id, seq)`,
    sql`CREATE TABLE idempotency_keys (
      api_key_id TEXT NOT NULL,
      key TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      status INTEGER,
      response TEXT,
      created_at TEXT NOT NULL,
      PRIMARY KEY (api_key_id, key)
    ) WITHOUT ROWID`,
    sql`CREATE INDEX idempotency_created ON idempotency_keys (created_at)`,
    sql`CREATE TABLE webhooks (
      id TEXT PRIMARY KEY,
      url TEXT NOT NULL,
      events TEXT NOT NULL,
      secret TEXT NOT NULL,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE TABLE webhook_deliveries (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id TEXT NOT NULL REFERENCES events (id),
      status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT,
      last_status_code INTEGER,
      last_error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)`,
    sql`CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq)`,
    sql`CREATE TABLE webhook_attempts (
      id INTEGER PRIMARY KEY,
      delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      attempt INTEGER NOT NULL,
      status_code INTEGER,
      error TEXT,
      duration_ms INTEGER NOT NULL,
      created_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt)`,
    sql`CREATE TABLE workflows (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      trigger TEXT NOT NULL,
      conditions TEXT NOT NULL,
      actions TEXT NOT NULL,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      run_count INTEGER NOT NULL DEFAULT 0,
      last_run_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX workflows_trigger ON workflows (trigger, active)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
