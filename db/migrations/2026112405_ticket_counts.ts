// Ticket counts per status, kept by triggers in the same transaction as every insert, delete
// and status change (API, seed and import alike), so a list filtered only by status gets its
// meta.total from four rows instead of counting tens of thousands.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE ticket_counts (
      status TEXT PRIMARY KEY CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
      n INTEGER NOT NULL
    ) WITHOUT ROWID`,
    sql`INSERT INTO ticket_counts (status, n)
      SELECT s.status, (SELECT count(*) FROM tickets t WHERE t.status = s.status)
      FROM (SELECT 'open' AS status UNION ALL SELECT 'pending' UNION ALL SELECT 'resolved'
        UNION ALL SELECT 'closed') s`,
    sql`CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
      UPDATE ticket_counts SET n = n + 1 WHERE status = NEW.status;
    END`,
    sql`CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
      UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status;
    END`,
    sql`CREATE TRIGGER ticket_counts_status AFTER UPDATE OF status ON tickets
      WHEN OLD.status <> NEW.status BEGIN
      UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status;
      UPDATE ticket_counts SET n = n + 1 WHERE status = NEW.status;
    END`,
  ];
  for (const statement of statements) await statement.execute(db);
}
