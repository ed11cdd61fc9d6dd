// Tickets get a short number people can say and write ("#1042"): in a reply to a customer, in a
// mail subject, on the phone. The id (tkt_ + 26 characters) stays the API's key. Numbers count
// up from 1 in creation order; a trigger gives every new ticket the next one, whatever inserts
// it (the API, a conversation turned into a ticket, an import), unless the insert brings its own.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE tickets ADD COLUMN number INTEGER`,
    sql`UPDATE tickets SET number = r.n
      FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM tickets) AS r
      WHERE r.seq = tickets.seq`,
    sql`CREATE UNIQUE INDEX tickets_number ON tickets (number)`,
    sql`CREATE TRIGGER tickets_number_assign AFTER INSERT ON tickets WHEN NEW.number IS NULL BEGIN
      UPDATE tickets SET number = (SELECT coalesce(max(number), 0) + 1 FROM tickets) WHERE seq = NEW.seq;
    END`,
  ];
  for (const statement of statements) await statement.execute(db);
}
