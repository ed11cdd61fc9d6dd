// PostgreSQL twin of ../2026120670_devices.ts (pairing codes and paired devices, issue 17).
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE pairing_codes (
      id ${text} PRIMARY KEY,
      code_hash ${text} NOT NULL UNIQUE,
      user_id ${text} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_by ${text},
      created_at ${text} NOT NULL,
      expires_at ${text} NOT NULL,
      used_at ${text},
      device_id ${text}
    )`,
    sql`CREATE INDEX pairing_codes_expires ON pairing_codes (expires_at)`,
    sql`CREATE TABLE devices (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      user_id ${text} NOT NULL REFERENCES users (id),
      api_key_id ${text} NOT NULL UNIQUE REFERENCES api_keys (id),
      created_at ${text} NOT NULL,
      last_seen_at ${text},
      revoked_at ${text}
    )`,
    sql`CREATE INDEX devices_created ON devices (created_at, id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
