// PostgreSQL twin of ../2026112405_ticket_counts.ts: counts per status kept by triggers.
// Every ticket insert and status change updates one of four rows, which write transactions do
// one at a time anyway (ld_write_lock), so the rows are never fought over.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE ticket_counts (
      status ${text} PRIMARY KEY CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
      n integer NOT NULL
    )`,
    sql`INSERT INTO ticket_counts (status, n)
      SELECT s.status, (SELECT count(*) FROM tickets t WHERE t.status = s.status)
      FROM (VALUES ('open'), ('pending'), ('resolved'), ('closed')) AS s (status)`,
    sql`CREATE FUNCTION ld_ticket_counts() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          UPDATE ticket_counts SET n = n + 1 WHERE status = NEW.status;
        END IF;
        RETURN NULL;
      END $$`,
    sql`CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets
      FOR EACH ROW EXECUTE FUNCTION ld_ticket_counts()`,
    sql`CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets
      FOR EACH ROW EXECUTE FUNCTION ld_ticket_counts()`,
    sql`CREATE TRIGGER ticket_counts_status AFTER UPDATE OF status ON tickets
      FOR EACH ROW WHEN (OLD.status <> NEW.status) EXECUTE FUNCTION ld_ticket_counts()`,
  ];
  for (const statement of statements) await statement.execute(db);
}
