import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CompiledQuery, Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import type { Database } from '../../db/schema.ts';
import { seedDatabase } from '../../db/seed.ts';
import { ConversationListQuery } from '../../common/contract/conversations.ts';
import { listConversations } from '../../server/domain/conversations/conversations.service.ts';
import { listTickets } from '../../server/domain/tickets/tickets.list.ts';
import { systemContext } from '../../server/domain/context.ts';
import { TicketListQuery } from '../../common/contract/tickets.ts';
import { TestClock } from '../helpers/clock.ts';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-db-'));
  dirs.push(dir);
  return join(dir, 'localdesk.db');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('database setup', () => {
  it('migrates an empty file, and a second run changes nothing', async () => {
    const file = tempFile();
    const first = openDatabase(file);
    await migrateToLatest(first.db);
    const tables = first.sqlite
      .prepare("select name from sqlite_master where type in ('table', 'index') order by name")
      .all();
    await first.close();

    const second = openDatabase(file);
    await migrateToLatest(second.db);
    const again = second.sqlite
      .prepare("select name from sqlite_master where type in ('table', 'index') order by name")
      .all();
    expect(again).toEqual(tables);
    const names = (tables as { name: string }[]).map((t) => t.name);
    for (const table of ['users', 'api_keys', 'contacts', 'tickets', 'conversations', 'messages', 'ticket_fts', 'conversation_fts']) {
      expect(names).toContain(table);
    }
    await second.close();
  });

  it('upgrades a database that ran later-named migrations before an earlier-named one existed', async () => {
    const file = tempFile();
    const all = await migrationProvider.getMigrations();
    const names = Object.keys(all).sort();
    // A build that had every migration but one from the middle of the list.
    const missing = names[names.length - 3] as string;
    const older = openDatabase(file);
    const partial = { getMigrations: async () => Object.fromEntries(Object.entries(all).filter(([name]) => name !== missing)) };
    expect((await new Migrator({ db: older.db, provider: partial }).migrateToLatest()).error).toBeUndefined();
    await older.close();

    const upgraded = openDatabase(file);
    await migrateToLatest(upgraded.db);
    const applied = upgraded.sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[];
    expect(applied.map((r) => r.name)).toEqual(names);
    await upgraded.close();
  });

  it('sets WAL, NORMAL sync, foreign keys and a busy timeout on every open', async () => {
    const file = tempFile();
    for (let i = 0; i < 2; i++) {
      const handle = openDatabase(file);
      expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(handle.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      await handle.close();
    }
  });
});

describe('ticket order flag (migration 2026112406)', () => {
  // Seeds through the migration before it, optionally moves one ticket back in time, then
  // applies the rest: the flag must say whether seq order is creation order.
  async function flagAfterUpgrade(outOfOrder: boolean) {
    const handle = openDatabase(tempFile());
    const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
    expect((await migrator.migrateTo('2026112405_ticket_counts')).error).toBeUndefined();
    seedDatabase(handle.sqlite, { tickets: 50, messagesPerTicket: 1, days: 5 });
    if (outOfOrder) {
      handle.sqlite.exec("update tickets set created_at = '2001-01-01T00:00:00.000Z' where seq = 30");
    }
    await migrateToLatest(handle.db);
    const row = handle.sqlite.prepare('select seq_is_created_order as v from ticket_order').get();
    await handle.close();
    return (row as { v: number }).v;
  }

  it('is set for tickets inserted as they were created, and cleared otherwise', async () => {
    expect(await flagAfterUpgrade(false)).toBe(1);
    expect(await flagAfterUpgrade(true)).toBe(0);
  });
});

describe('list query plans', () => {
  async function planOf(run: (db: Kysely<Database>) => Promise<unknown>) {
    captured.length = 0;
    await run(logged);
    const select = captured.find((q) => /order by/i.test(q.sql));
    expect(select).toBeDefined();
    return handle.sqlite
      .prepare(`explain query plan ${select?.sql ?? ''}`)
      .all(...(select?.parameters ?? []))
      .map((row) => (row as { detail: string }).detail)
      .join(' | ');
  }
  let handle: ReturnType<typeof openDatabase>;
  let logged: Kysely<Database>;
  const captured: CompiledQuery[] = [];
  beforeAll(async () => {
    handle = openDatabase(tempFile());
    await migrateToLatest(handle.db);
    handle.sqlite.exec('analyze');
    logged = new Kysely<Database>({
      dialect: new SqliteDialect({ database: handle.sqlite }),
      log: (event) => {
        if (event.level === 'query') captured.push(event.query);
      },
    });
  });
  afterAll(async () => {
    await handle.close();
  });

  const indexed = (plan: string, label: string) => {
    expect(plan, `${label}: ${plan}`).not.toMatch(/TEMP B-TREE/);
    expect(plan, `${label}: ${plan}`).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/);
  };

  it('serves every ticket filter and sort from an index, never a temporary B-tree sort', async () => {
    const sorts = ['createdAt', 'updatedAt', 'priority', 'status'];
    const queries = [
      ...sorts.map((sortBy) => ({ sortBy })),
      ...sorts.map((sortBy) => ({ sortBy, sortOrder: 'asc' })),
      { status: 'open' },
      { status: 'open', sortBy: 'updatedAt' },
      { status: 'open', sortBy: 'priority' },
      { priority: 'urgent' },
      { assignedTo: 'none' },
      { assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      { contactId: 'ctc_01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      // Deep pages read their seqs from the sort index first.
      { status: 'open', offset: '5000' },
      { sortBy: 'priority', offset: '1000' },
      // Read from the full-text index in rowid order (seq order is creation order here).
      { search: 'printer' },
      { search: 'printer', status: 'open', sortOrder: 'asc' },
    ];
    for (const query of queries) {
      const plan = await planOf((db) => listTickets(systemContext(db, new TestClock()), TicketListQuery.parse(query)));
      indexed(plan, JSON.stringify(query));
    }
  });

  it('serves every conversation filter and sort from an index', async () => {
    const queries = [
      {},
      { sortBy: 'lastMessageAt' },
      { channel: 'email' },
      { channel: 'email', sortBy: 'lastMessageAt' },
      { status: 'active' },
      { status: 'archived', sortBy: 'lastMessageAt' },
      { contactId: 'ctc_01ARZ3NDEKTSV4RRFFQ69G5FAV' },
    ];
    for (const query of queries) {
      const plan = await planOf((db) => listConversations(systemContext(db, new TestClock()), ConversationListQuery.parse(query)));
      indexed(plan, JSON.stringify(query));
    }
  });
});
