// PostgreSQL twin of ../2026120602_views.ts. SQLite's NOCASE folds ASCII letters, as lower()
// does under the "C" collation: the same names collide on both engines.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE views (
      id ${text} PRIMARY KEY,
      user_id ${text} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name ${text} NOT NULL,
      filters ${text} NOT NULL,
      sort_by ${text} NOT NULL CHECK (sort_by IN ('createdAt', 'updatedAt', 'priority', 'status')),
      sort_order ${text} NOT NULL CHECK (sort_order IN ('asc', 'desc')),
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE UNIQUE INDEX views_user_name ON views (user_id, lower(name))`,
    sql`CREATE INDEX views_user_created ON views (user_id, created_at, id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
