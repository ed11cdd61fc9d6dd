// PostgreSQL twin of ../2026120610_conversation_assignee.ts.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE conversations ADD COLUMN assigned_to text collate "C" REFERENCES users (id)`,
    sql`CREATE INDEX conversations_assignee_created ON conversations (assigned_to, created_at)`,
    sql`CREATE INDEX conversations_assignee_last ON conversations (assigned_to, last_message_at)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
