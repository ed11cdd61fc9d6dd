// Saved inbox views: named filters per user, kept on the server so every browser and desktop
// of that user sees the same ones.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE views (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      filters TEXT NOT NULL,
      sort_by TEXT NOT NULL CHECK (sort_by IN ('createdAt', 'updatedAt', 'priority', 'status')),
      sort_order TEXT NOT NULL CHECK (sort_order IN ('asc', 'desc')),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE UNIQUE INDEX views_user_name ON views (user_id, name COLLATE NOCASE)`,
    sql`CREATE INDEX views_user_created ON views (user_id, created_at, id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
