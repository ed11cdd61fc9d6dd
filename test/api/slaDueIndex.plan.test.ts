// SQLite's plan for the notifier's "tickets falling due" check, which runs at every start and
// once a minute: a range read of the partial index tickets_next_due, never a scan of the open
// tickets (427 ms at 1M tickets without it, blocking every request meanwhile). The behaviour
// (who is told, when) is in the notification tests.
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { ticketsFallingDue } from '../../server/domain/sla/sla.sql.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('the SLA due-soon check on SQLite', () => {
  it('reads the tickets falling due from the next-due index', async () => {
    const queries: CompiledQuery[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: s.sqlite }),
      log: (event) => void queries.push(event.query),
    });
    await ticketsFallingDue(db, '2026-12-06T10:00:00.000Z', '2026-12-06T10:30:00.000Z');
    const [query] = queries;
    if (!query) throw new Error('ticketsFallingDue ran no query');
    const plan = (s.sqlite.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[])
      .map((row) => row.detail)
      .join('\n');
    expect(plan).toMatch(/USING INDEX tickets_next_due/);
  });
});
