// PostgreSQL twin of ../2026120603_ticket_numbers.ts. The next number is max + 1 taken under
// the write lock, so two nodes creating tickets at once never pick the same one.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE tickets ADD COLUMN number integer`,
    sql`UPDATE tickets SET number = r.n
      FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM tickets) AS r
      WHERE r.seq = tickets.seq`,
    sql`CREATE UNIQUE INDEX tickets_number ON tickets (number)`,
    sql`CREATE FUNCTION ld_ticket_number() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        PERFORM ld_write_lock();
        NEW.number := coalesce((SELECT max(number) FROM tickets), 0) + 1;
        RETURN NEW;
      END $$`,
    sql`CREATE TRIGGER tickets_number_assign BEFORE INSERT ON tickets
      FOR EACH ROW WHEN (NEW.number IS NULL) EXECUTE FUNCTION ld_ticket_number()`,
  ];
  for (const statement of statements) await statement.execute(db);
}
