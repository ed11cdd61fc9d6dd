// Group commit (db/transact.ts): concurrent transactions share one commit, each caller's work
// stays all-or-nothing, and every caller hears the outcome of the commit it was part of.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/connection.ts';
import type { Database } from '../../db/schema.ts';
import { transact } from '../../db/transact.ts';

let dir: string;
let handle: DatabaseHandle;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localdesk-transact-'));
  handle = openDatabase(join(dir, 'localdesk.db'));
  await migrateToLatest(handle.db);
});
afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  handle.sqlite.exec('delete from ticket_tags; delete from tags');
});

const now = '2026-03-02T09:00:00.000Z';
const addTag = (db: Kysely<Database>, name: string) =>
  db.insertInto('tags').values({ id: `tag_${name}`, name, color: null, created_at: now, updated_at: now }).execute();
const tagNames = () => handle.sqlite.prepare('select name from tags order by name').pluck().all();

describe('transact', () => {
  it('commits concurrent callers together, rolling back only the one that fails', async () => {
    const transactions = new Set<Kysely<Database>>();
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((name) =>
        transact(handle.db, async (trx) => {
          transactions.add(trx);
          await addTag(trx, name);
          if (name === 'c') {
            await addTag(trx, 'c2');
            throw new Error('c changed its mind');
          }
          // Nested: joins the caller's part of the shared transaction.
          await transact(trx, (inner) => addTag(inner, `${name}-nested`));
          return name;
        }),
      ),
    );
    expect(transactions.size).toBe(1);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a',
      'b',
      'c changed its mind',
      'd',
    ]);
    expect(tagNames()).toEqual(['a', 'a-nested', 'b', 'b-nested', 'd', 'd-nested']);
  });

  it('fails every caller, writing nothing, when the shared commit fails', async () => {
    const results = await Promise.allSettled([
      transact(handle.db, (trx) => addTag(trx, 'kept-until-commit')),
      transact(handle.db, async (trx) => {
        // A foreign key checked only at COMMIT: the commit of the whole group fails.
        await sql`pragma defer_foreign_keys = on`.execute(trx);
        await trx.insertInto('ticket_tags').values({ ticket_id: 'tkt_missing', tag_id: 'tag_missing' }).execute();
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(tagNames()).toEqual([]);
  });

  it('runs a caller alone in its own transaction', async () => {
    await expect(
      transact(handle.db, async (trx) => {
        await addTag(trx, 'alone');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await transact(handle.db, async (trx) => (await addTag(trx, 'solo'), 'ok'))).toBe('ok');
    expect(tagNames()).toEqual(['solo']);
  });

  it('hands the error of a closed database to every caller instead of crashing the process', async () => {
    const other = openDatabase(join(dir, 'closed.db'));
    await migrateToLatest(other.db);
    await other.close();
    const alone = await Promise.allSettled([transact(other.db, (trx) => addTag(trx, 'late'))]);
    const grouped = await Promise.allSettled([
      transact(other.db, (trx) => addTag(trx, 'late-1')),
      transact(other.db, (trx) => addTag(trx, 'late-2')),
    ]);
    expect([...alone, ...grouped].map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
