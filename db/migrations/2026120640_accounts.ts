// People sign in as themselves (issue 14): passwords, sessions, invitations, the failed-login
// throttle, and per-user notifications with their preferences.
// - Secrets live in their own tables (user_passwords, sessions, invitations), none of which
//   /export writes: an export is the team's data, a backup file is the whole database.
// - Tokens (sessions, invitations) are stored only as SHA-256 hashes of 256 random bits.
// - Failed logins are rows, not memory, so the throttle survives a restart.
// - Idempotency records are keyed by the credential (an API key or a session), not only keys.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE idempotency_keys RENAME COLUMN api_key_id TO credential_id`,
    sql`CREATE TABLE user_passwords (
      user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      hash TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      device TEXT NOT NULL,
      ip TEXT NOT NULL,
      created_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX sessions_user ON sessions (user_id, created_at)`,
    sql`CREATE TABLE invitations (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
      token_hash TEXT NOT NULL UNIQUE,
      invited_by TEXT REFERENCES users (id),
      user_id TEXT REFERENCES users (id),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      accepted_at TEXT,
      revoked_at TEXT
    )`,
    sql`CREATE INDEX invitations_created ON invitations (created_at)`,
    sql`CREATE INDEX invitations_email ON invitations (email, created_at)`,
    sql`CREATE TABLE login_failures (
      seq INTEGER PRIMARY KEY,
      subject TEXT NOT NULL,
      at TEXT NOT NULL
    )`,
    sql`CREATE INDEX login_failures_subject ON login_failures (subject, at)`,
    sql`CREATE INDEX login_failures_at ON login_failures (at)`,
    sql`CREATE TABLE notifications (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('assigned', 'customer_replied', 'mentioned', 'sla_due')),
      ticket_id TEXT,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      actor_user_id TEXT,
      event_id TEXT,
      dedupe_key TEXT UNIQUE,
      created_at TEXT NOT NULL,
      read_at TEXT
    )`,
    sql`CREATE INDEX notifications_user ON notifications (user_id, created_at, id)`,
    sql`CREATE INDEX notifications_user_unread ON notifications (user_id, created_at, id) WHERE read_at IS NULL`,
    sql`CREATE TABLE notification_prefs (
      user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      kinds TEXT NOT NULL,
      browser INTEGER NOT NULL DEFAULT 0 CHECK (browser IN (0, 1)),
      updated_at TEXT NOT NULL
    )`,
  ];
  for (const statement of statements) await statement.execute(db);
}
