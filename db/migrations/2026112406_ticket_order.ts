// Whether insertion order (seq) still equals creation order (created_at, then seq) for every
// ticket. While it does, a ticket search sorted by date can read the full-text index backwards
// (its rowid is the ticket's seq) and stop after one page, instead of sorting every match.
// Tickets made through the API are inserted as they are created, so the flag stays set; an
// import of older tickets into a database with newer ones, or a wall clock stepping back,
// clears it for good and the search falls back to walking the date index (still correct).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE ticket_order (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      seq_is_created_order INTEGER NOT NULL CHECK (seq_is_created_order IN (0, 1))
    )`,
    sql`INSERT INTO ticket_order (id, seq_is_created_order)
      SELECT 1, NOT EXISTS (SELECT 1 FROM (
        SELECT created_at < lag(created_at) OVER (ORDER BY seq) AS earlier FROM tickets
      ) WHERE earlier)`,
    // The new ticket keeps the order when it has the highest seq and no ticket was created
    // after it. Both maxima are read from an index end (O(log n)).
    sql`CREATE TRIGGER ticket_order_insert AFTER INSERT ON tickets
      WHEN NEW.seq < (SELECT max(seq) FROM tickets)
        OR NEW.created_at < (SELECT max(created_at) FROM tickets) BEGIN
      UPDATE ticket_order SET seq_is_created_order = 0 WHERE seq_is_created_order = 1;
    END`,
    sql`CREATE TRIGGER ticket_order_update AFTER UPDATE OF seq, created_at ON tickets
      WHEN OLD.seq <> NEW.seq OR OLD.created_at <> NEW.created_at BEGIN
      UPDATE ticket_order SET seq_is_created_order = 0 WHERE seq_is_created_order = 1;
    END`,
  ];
  for (const statement of statements) await statement.execute(db);
}
