// db/prepared.ts compiles a query once and runs it with new values, also inside transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/connection.ts';
import { prepared } from '../../db/prepared.ts';

let dir: string;
let handle: DatabaseHandle;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localdesk-prepared-'));
  handle = openDatabase(join(dir, 'localdesk.db'));
  await migrateToLatest(handle.db);
  const now = '2026-03-02T09:00:00.000Z';
  await handle.db
    .insertInto('tags')
    .values(['alpha', 'beta', 'gamma'].map((name, i) => ({ id: `tag_${i}`, name, color: null, created_at: now, updated_at: now })))
    .execute();
});
afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('prepared queries', () => {
  const tagsBetween = prepared((db, from: string, to: string) =>
    db.selectFrom('tags').select('name').where('name', '>=', from).where('name', '<=', to).orderBy('name'),
  );

  it('runs with each call’s values, outside and inside a transaction', async () => {
    expect(await tagsBetween(handle.db, 'a', 'b')).toEqual([{ name: 'alpha' }]);
    expect(await tagsBetween(handle.db, 'b', 'z')).toEqual([{ name: 'beta' }, { name: 'gamma' }]);
    await handle.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tags').where('name', '=', 'beta').execute();
      expect(await tagsBetween(trx, 'b', 'z')).toEqual([{ name: 'gamma' }]);
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(await tagsBetween(handle.db, 'alpha', 'beta')).toEqual([{ name: 'alpha' }, { name: 'beta' }]);
  });

  it('refuses an argument that did not become a parameter', async () => {
    // Forgotten: every call would return the same rows whatever it asked for.
    const ignored = prepared((db, _name: string) => db.selectFrom('tags').select('id'));
    await expect(ignored(handle.db, 'alpha')).rejects.toThrow(/argument 0 is not a parameter/);
    // Used as a literal: Kysely itself refuses to compile the stand-in.
    const literal = prepared((db, name: string) => db.selectFrom('tags').select('id').where('name', '=', sql.lit(name)));
    await expect(literal(handle.db, 'alpha')).rejects.toThrow();
  });
});
