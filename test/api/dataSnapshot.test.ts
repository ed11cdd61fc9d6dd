// Export and backup read one snapshot while the server keeps writing.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../db/seed.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { extractDatabase } from '../helpers/archive.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  // Big enough (~20 MB of export) that no socket buffer can hold it: the export is still
  // reading the database when the test writes.
  seedDatabase(s.sqlite, { tickets: 10_000, messagesPerTicket: 3, now: s.clock.now() });
}, 60_000);
afterAll(async () => {
  await s.close();
});

const count = (db: BetterSqlite3.Database, table: string) =>
  (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;

/** True while some reader still holds a snapshot (a TRUNCATE checkpoint cannot finish). */
function readerActive(): boolean {
  s.sqlite.pragma('busy_timeout = 0');
  try {
    const [result] = s.sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result?.busy === 1;
  } finally {
    s.sqlite.pragma('busy_timeout = 5000');
  }
}

async function openExport(): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const res = await fetch(`${s.url}/api/v1/export`, { headers: { 'X-API-Key': s.adminKey } });
  expect(res.status).toBe(200);
  if (!res.body) throw new Error('no body');
  return res.body.getReader();
}

describe('GET /api/v1/export while writes continue', () => {
  it('holds exactly the records of the moment it started', async () => {
    const tickets = count(s.sqlite, 'tickets');
    const messages = count(s.sqlite, 'messages');
    const reader = await openExport();
    const decoder = new TextDecoder();
    let text = '';
    const first = await reader.read();
    text += decoder.decode(first.value, { stream: true });
    const before = text.length;

    // The response is paused; meanwhile the server commits new tickets and messages.
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await buildTicket(s.api, { subject: `Written during export ${i}` }));
    expect(count(s.sqlite, 'tickets')).toBe(tickets + 5);
    expect(readerActive()).toBe(true);

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(before).toBeLessThan(text.length / 10); // most of it was sent after the writes
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { table?: string; row?: { id?: string }; rows?: number });
    const of = (table: string) => lines.filter((l) => l.table === table);
    expect(of('tickets')).toHaveLength(tickets);
    expect(of('messages')).toHaveLength(messages);
    const ids = new Set(of('tickets').map((l) => l.row?.id));
    for (const ticket of created) expect(ids.has(ticket.id)).toBe(false);
    expect(lines.at(-1)).toEqual({ end: true, rows: lines.length - 2 });
  });

  it('lets go of its snapshot when the client goes away', async () => {
    const reader = await openExport();
    await reader.read();
    await buildTicket(s.api);
    expect(readerActive()).toBe(true);
    await reader.cancel();
    for (let i = 0; i < 100 && readerActive(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readerActive()).toBe(false);
  });
});

interface Backup {
  path: string;
  bytes: number;
  createdAt: string;
}

/** The database inside a backup archive, opened read-only. */
async function openBackup(path: string): Promise<BetterSqlite3.Database> {
  return new BetterSqlite3(await extractDatabase(path, `${path}.extracted.db`), { readonly: true, fileMustExist: true });
}

describe('POST /api/v1/admin/backup', () => {
  it('writes an archive holding a complete database file into the data folder', async () => {
    const res = await s.api.post<Backup>('/admin/backup');
    expect(res.status).toBe(201);
    const { path, bytes, createdAt } = res.body.data;
    expect(createdAt).toBe(s.clock.now().toISOString());
    expect(path).toBe(join(s.dataDir, 'backups', 'localdesk-2026-03-02T09-00-00.000Z.tar'));
    expect(statSync(path).size).toBe(bytes);
    expect(existsSync(`${path}.part`)).toBe(false);
    const copy = await openBackup(path);
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      for (const table of ['tickets', 'messages', 'contacts', 'events', 'ticket_fts']) {
        expect({ table, n: count(copy, table) }).toEqual({ table, n: count(s.sqlite, table) });
      }
    } finally {
      copy.close();
    }
    // A second backup in the same millisecond gets its own name.
    const again = await s.api.post<Backup>('/admin/backup');
    expect(again.body.data.path).toBe(join(s.dataDir, 'backups', 'localdesk-2026-03-02T09-00-00.000Z-2.tar'));
  });

  it('is a consistent snapshot while tickets are being created', async () => {
    const start = count(s.sqlite, 'tickets');
    let finished = false;
    const backup = s.api.post<Backup>('/admin/backup').finally(() => {
      finished = true;
    });
    let written = 0;
    while (!finished) {
      await buildTicket(s.api);
      written++;
    }
    const res = await backup;
    expect(res.status).toBe(201);
    expect(written).toBeGreaterThan(0);
    const copy = await openBackup(res.body.data.path);
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const tickets = count(copy, 'tickets');
      expect(tickets).toBeGreaterThanOrEqual(start);
      expect(tickets).toBeLessThan(count(s.sqlite, 'tickets')); // later writes are not in it
      // Every ticket came with what its transaction wrote: search entry, first message, event.
      expect(count(copy, 'ticket_fts')).toBe(tickets);
      const orphan = copy.prepare(`select count(*) n from tickets t where not exists
        (select 1 from messages m where m.ticket_id = t.id)`).get();
      expect(orphan).toEqual({ n: 0 });
      const created = copy.prepare("select count(*) n from events where type = 'ticket.created'").get() as { n: number };
      expect(created.n).toBe(tickets - 10_000);
    } finally {
      copy.close();
    }
  });
});
