// Conversations are assignable like tickets: who handles the thread, and the assignedTo filter
// of GET /conversations, index-backed for both of its sorts (filter first, then the sort column;
// the seq that breaks ties is the rowid every index entry ends with).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE conversations ADD COLUMN assigned_to TEXT REFERENCES users (id)`,
    sql`CREATE INDEX conversations_assignee_created ON conversations (assigned_to, created_at)`,
    sql`CREATE INDEX conversations_assignee_last ON conversations (assigned_to, last_message_at)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
