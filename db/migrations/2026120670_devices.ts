// Team sync, pairing (issue 17): an admin makes a one-time pairing code for a user; another
// install exchanges it for a device credential (an API key of that user) listed in `devices`.
// - A code is stored only as the SHA-256 of its normalised form; it is short-lived and single
//   use (used_at), so the 40 bits of an 8-character code are enough against online guessing
//   behind the anonymous rate limit.
// - A device owns exactly one API key; revoking the device revokes the key.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE pairing_codes (
      id TEXT PRIMARY KEY,
      code_hash TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_by TEXT,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT,
      device_id TEXT
    )`,
    sql`CREATE INDEX pairing_codes_expires ON pairing_codes (expires_at)`,
    sql`CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      user_id TEXT NOT NULL REFERENCES users (id),
      api_key_id TEXT NOT NULL UNIQUE REFERENCES api_keys (id),
      created_at TEXT NOT NULL,
      last_seen_at TEXT,
      revoked_at TEXT
    )`,
    sql`CREATE INDEX devices_created ON devices (created_at, id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
