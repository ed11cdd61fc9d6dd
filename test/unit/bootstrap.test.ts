import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { bootstrap, firstKeyRateLimit } from '../../server/bootstrap.ts';
import { TestClock } from '../helpers/clock.ts';

const dirs: string[] = [];
async function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-boot-'));
  dirs.push(dir);
  const handle = openDatabase(join(dir, 'localdesk.db'));
  await migrateToLatest(handle.db);
  return handle;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('bootstrap', () => {
  it('generates one admin key on an empty database and none after', async () => {
    const h = await freshDb();
    const first = await bootstrap(h.db, new TestClock(), { adminKey: null });
    expect(first.generatedKey).toMatch(/^ldk_[0-9A-Za-z]{40}$/);
    const second = await bootstrap(h.db, new TestClock(), { adminKey: null });
    expect(second.generatedKey).toBeNull();
    const keys = await h.db.selectFrom('api_keys').select(['key_hash', 'rate_limit_per_minute']).execute();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.rate_limit_per_minute).toBe(firstKeyRateLimit);
    expect(keys[0]?.key_hash).not.toContain(first.generatedKey);
    await h.close();
  });

  it('adds LOCALDESK_ADMIN_KEY once, even on a database that already has keys', async () => {
    const h = await freshDb();
    await bootstrap(h.db, new TestClock(), { adminKey: null });
    const key = generateApiKey();
    expect((await bootstrap(h.db, new TestClock(), { adminKey: key })).adminKeyAdded).toBe(true);
    expect((await bootstrap(h.db, new TestClock(), { adminKey: key })).adminKeyAdded).toBe(false);
    expect(await h.db.selectFrom('api_keys').select('id').execute()).toHaveLength(2);
    await h.close();
  });

  it('creates a new administrator when the only admin was deactivated', async () => {
    const h = await freshDb();
    await bootstrap(h.db, new TestClock(), { adminKey: null });
    await h.db.updateTable('users').set({ active: 0 }).execute();
    const result = await bootstrap(h.db, new TestClock(), { adminKey: generateApiKey() });
    expect(result.adminKeyAdded).toBe(true);
    const admins = await h.db.selectFrom('users').select(['email', 'active']).where('role', '=', 'admin').execute();
    expect(admins.filter((a) => a.active === 1)).toHaveLength(1);
    await h.close();
  });
});
