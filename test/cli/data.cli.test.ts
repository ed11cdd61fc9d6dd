import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { seedWords } from '../../db/seed.ts';
import { exportTables } from '../../server/domain/data/format.ts';
import { extractDatabase } from '../helpers/archive.ts';
import { runCli, startServe } from '../helpers/cli.ts';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-cli-data-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function counts(file: string): Record<string, number> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, number> = {};
    for (const table of [...exportTables, 'ticket_fts', 'conversation_fts']) {
      out[table] = (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

const body = (text: string) => text.trimEnd().split('\n').slice(1); // without the header's timestamp

describe('localdesk backup, export and import', () => {
  it('round-trips a data folder into an empty one', async () => {
    const from = dataDir();
    const to = dataDir();
    expect((await runCli(['seed', '--tickets', '400', '--data', from])).code).toBe(0);
    const created = await runCli(['keys', 'create', '--name', 'ops', '--scopes', 'admin', '--data', from]);
    const key = /^(ldk_\w{40})$/m.exec(created.stdout)?.[1] ?? '';
    expect(key).not.toBe('');
    const source = counts(join(from, 'localdesk.db'));

    const file = join(from, 'all.ndjson');
    const exported = await runCli(['export', '--out', file, '--data', from]);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(/^Exported .* \(\d+ bytes\)$/m);
    expect(existsSync(`${file}.part`)).toBe(false);
    const toStdout = await runCli(['export', '--data', from]);
    expect(toStdout.code).toBe(0);
    expect(body(toStdout.stdout)).toEqual(body(readFileSync(file, 'utf8')));

    const copy = join(from, 'copy.tar');
    const backedUp = await runCli(['backup', '--out', copy, '--data', from]);
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toContain(`to ${copy}`);
    expect(counts(await extractDatabase(copy, join(from, 'copy.db')))).toEqual(source);

    const imported = await runCli(['import', file, '--data', to]);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toMatch(/^ {2}tickets +400 imported +0 skipped$/m);
    expect(counts(join(to, 'localdesk.db'))).toEqual(source);

    const again = await runCli(['import', file, '--data', to]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^ {2}total +0 imported +\d+ skipped$/m);
    expect(counts(join(to, 'localdesk.db'))).toEqual(source);

    // The imported folder serves: the old key works (no new one is made) and search finds.
    const run = await startServe(to);
    try {
      expect(run.stdout()).not.toMatch(/ldk_\w{40}/);
      const res = await fetch(`${run.url}/api/v1/tickets?search=${seedWords.rare}`, { headers: { 'X-API-Key': key } });
      expect(res.status).toBe(200);
      const db = new BetterSqlite3(join(from, 'localdesk.db'), { readonly: true });
      const rare = db.prepare('select count(*) n from ticket_fts where ticket_fts match ?').get(seedWords.rare);
      db.close();
      expect({ n: ((await res.json()) as { meta: { total: number } }).meta.total }).toEqual(rare);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 120_000);

  it('explains what is wrong', async () => {
    const dir = dataDir();
    const noOut = await runCli(['backup', '--data', dir]);
    expect(noOut).toMatchObject({ code: 2, stderr: 'localdesk: backup needs --out FILE\n' });
    const missing = await runCli(['import', join(dir, 'nope.ndjson'), '--data', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"format":"localdesk-export","version":1,"exportedAt":"2026-01-01T00:00:00Z"}\n{"table":"gadgets","row":{}}\n');
    const refused = await runCli(['import', bad, '--data', dir]);
    expect(refused).toMatchObject({ code: 1, stderr: 'localdesk: line 2: table: unknown table "gadgets"\n' });
    expect((await runCli(['--help'])).stdout).toContain('localdesk import FILE [--data DIR]');
  }, 60_000);
});
