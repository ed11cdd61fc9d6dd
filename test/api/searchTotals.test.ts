// A search's total is remembered until the database is written (db/queries/ftsCount.ts); it
// must never outlive a change, whoever makes it: this server, a rolled-back request, or
// another connection to the same file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.ts';
import { seedDatabase } from '../../db/seed.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const listTotal = async (word: string) => (await s.api.get(`/tickets?search=${word}&limit=1`)).body.meta?.total;
const searchTotal = async (word: string) =>
  (await s.api.get<{ tickets: { total: number } }>(`/search?q=${word}&types=tickets`)).body.data.tickets.total;

async function expectTotals(word: string, n: number) {
  // Asked twice: the second answer may come from the remembered count.
  for (let i = 0; i < 2; i++) {
    expect(await listTotal(word)).toBe(n);
    expect(await searchTotal(word)).toBe(n);
  }
}

describe('search totals', () => {
  it('follow creates, edits, replies and deletes', async () => {
    await expectTotals('quokka', 0);
    const a = await buildTicket(s.api, { subject: 'Quokka in the lobby' });
    await expectTotals('quokka', 1);
    const b = await buildTicket(s.api, { subject: 'Printer jam' });
    await expectTotals('quokka', 1);
    await s.api.post(`/tickets/${b.id}/messages`, { body: 'It was the quokka again.', sender: 'agent' });
    await expectTotals('quokka', 2);
    await s.api.patch(`/tickets/${a.id}`, { subject: 'Marsupial in the lobby' });
    await expectTotals('quokka', 1);
    expect((await s.api.delete(`/tickets/${b.id}`)).status).toBe(204);
    await expectTotals('quokka', 0);
  });

  it('are unchanged by a request that fails and rolls back', async () => {
    const t = await buildTicket(s.api, { subject: 'Wallaby sighting' });
    await expectTotals('wallaby', 1);
    await expectTotals('numbat', 0);
    // The subject and its search entry are written, then the event fails: all rolls back.
    s.sqlite.exec(`create trigger fail_ticket_updated before insert on events
      when new.type = 'ticket.updated' begin select raise(abort, 'event store unavailable'); end`);
    try {
      const res = await s.api.patch(`/tickets/${t.id}`, { subject: 'Numbat sighting' });
      expect(res.status).toBe(500);
    } finally {
      s.sqlite.exec('drop trigger fail_ticket_updated');
    }
    await expectTotals('numbat', 0);
    await expectTotals('wallaby', 1);
  });

  it('see what another connection to the same file commits', async () => {
    await expectTotals('kangaroo', 0);
    const other = openDatabase(join(s.dataDir, 'localdesk.db'));
    try {
      seedDatabase(other.sqlite, { tickets: 100, messagesPerTicket: 1, now: s.clock.now(), days: 5 });
      const n = (other.sqlite.prepare("select count(*) from ticket_fts where ticket_fts match 'kangaroo'").pluck().get()) as number;
      expect(n).toBeGreaterThan(0);
      await expectTotals('kangaroo', n);
    } finally {
      await other.close();
    }
  });
});
