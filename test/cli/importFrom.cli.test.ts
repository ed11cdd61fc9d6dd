// `localdesk import-from`, the real command: what it prints, that a kill -9 mid-import and a
// second run give the same database as an uninterrupted run, and that a server running on the
// same data folder sees what it imported.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { generateZendesk } from '../fixtures/import/generate.ts';
import { binPath, runCli, startServe } from '../helpers/cli.ts';
import { type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';
import { snapshot } from '../helpers/imports.ts';

const fixtures = join(import.meta.dirname, '../fixtures/import/csv');
const auth = { email: 'admin@acme.example', token: 'zd-secret-token-123' };
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-import-cli-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(dir: string) {
  return new BetterSqlite3(join(dir, 'localdesk.db'), { readonly: true, fileMustExist: true });
}
const count = (dir: string, table: string) => {
  const db = open(dir);
  try {
    return (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('localdesk import-from csv', () => {
  it('imports the file with its mapping and ends by printing the counts', async () => {
    const dir = dataDir();
    const run = await runCli(['import-from', 'csv', join(fixtures, 'tickets.csv'), '--map', join(fixtures, 'mapping.json'), '--data', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Import imp_\w+ from csv: succeeded$/m);
    expect(run.stdout).toMatch(/^tickets\s+10\s+0\s+0\s+0\s+0$/m);
    expect(run.stdout).toMatch(/^contacts\s+9\s/m);
    expect(run.stdout).toMatch(/^10 tickets in [\d.]+ s: \d+ tickets\/s$/m);
    // Not a terminal: progress as plain lines on stderr.
    expect(run.stderr).toMatch(/10\/10 tickets \(100%\)/);
    expect(count(dir, 'tickets')).toBe(10);

    const dry = await runCli(['import-from', 'csv', join(fixtures, 'tickets.csv'), '--map', join(fixtures, 'mapping.json'), '--data', dir, '--dry-run', '--full']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run imp_\w+: nothing was changed/m);
    expect(dry.stdout).toMatch(/^tickets\s+0\s+0\s+0\s+10\s+0$/m);
  }, 120_000);

  it('says what is wrong with the command line, and exits 2', async () => {
    const dir = dataDir();
    const cases: [string[], RegExp][] = [
      [['import-from'], /needs a source: zendesk, freshdesk, helpscout or csv/],
      [['import-from', 'zendesk', '--url', 'https://acme.zendesk.com'], /needs --email and --token/],
      [['import-from', 'zendesk', '--url', 'ftp://x', '--email', 'a@example.com', '--token', 't'], /--url: must be an http/],
      [['import-from', 'csv', join(dir, 'missing.csv')], /no such file/],
      [['import-from', 'csv', join(fixtures, 'tickets.csv'), '--map', join(fixtures, 'tickets.csv')], /cannot read the mapping|mapping is not valid/],
      [['import-from', 'csv', join(fixtures, 'tickets.csv')], /no subject or body column/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([...args, '--data', dir]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  }, 180_000); // six starts of the real command, on shared cores
});

describe('localdesk import-from zendesk', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    // A 429 asking for 3 s half-way: the kill below lands while the import waits it out.
    replay = await startReplayServer({ source: 'zendesk', dataset: generateZendesk(1), auth, rateLimit: { after: 200, retryAfterSeconds: 3 } });
  });
  afterAll(() => replay.stop());
  const args = (dir: string) => ['import-from', 'zendesk', '--url', replay.url, '--email', auth.email, '--token', auth.token, '--data', dir];

  it('killed with -9 mid-import, then run again, gives the same database as an uninterrupted run', async () => {
    const cut = dataDir();
    const child = spawn(process.execPath, [binPath, ...args(cut)], { env: { ...process.env, LOCALDESK_LOG_LEVEL: 'silent' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
    let atKill = 0;
    for (const deadline = Date.now() + 60_000; ; await sleep(20)) {
      if (Date.now() > deadline) throw new Error('the import never paused for the 429');
      let waiting = false;
      try {
        const db = open(cut);
        try {
          const job = db.prepare("select progress from imports where status = 'running'").get() as { progress: string } | undefined;
          waiting = job !== undefined && (JSON.parse(job.progress) as { waiting: unknown }).waiting !== null;
          atKill = (db.prepare('select count(*) n from tickets').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        // The command has not created the database yet.
      }
      if (waiting) break;
    }
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(generateZendesk(1).tickets.length - 1);

    const resumed = await runCli(args(cut));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/Continuing imp_\w+ where it stopped/);

    // The same data from the same server (its one 429 spent), in one go.
    const whole = dataDir();
    const uninterrupted = await runCli(args(whole));
    expect(uninterrupted.code).toBe(0);
    expect(uninterrupted.stdout).not.toContain(auth.token);
    const a = open(whole);
    const b = open(cut);
    try {
      const jobs = b.prepare('select status from imports').all();
      expect(jobs).toEqual([{ status: 'succeeded' }]); // the same job, finished
      const [sa, sb] = [snapshot(a), snapshot(b)];
      expect(Object.keys(sb)).toEqual(Object.keys(sa));
      for (const table of Object.keys(sa)) expect(sb[table], table).toEqual(sa[table]);
    } finally {
      a.close();
      b.close();
    }
  }, 120_000);

  it('works beside a server running on the same data folder, which sees the job and its rows', async () => {
    const dir = dataDir();
    const key = generateApiKey();
    const server = await startServe(dir, { LOCALDESK_ADMIN_KEY: key });
    const get = async (path: string) => (await (await fetch(`${server.url}/api/v1${path}`, { headers: { 'X-API-Key': key } })).json()) as { data: unknown; meta?: { total: number } };
    try {
      expect((await get('/tickets?search=pricing')).meta?.total).toBe(0);
      expect((await get('/tickets?status=open&limit=1')).meta?.total).toBe(0);
      const run = await runCli(args(dir));
      expect(run.code).toBe(0);
      const jobs = (await get('/imports')).data as { origin: string; status: string; counts: { tickets: { created: number } } }[];
      expect(jobs[0]).toMatchObject({ origin: 'cli', status: 'succeeded' });
      // The server's cached totals notice the other process's writes.
      expect((await get('/tickets?search=pricing')).meta?.total).toBeGreaterThan(0);
      expect((await get('/tickets?limit=1')).meta?.total).toBe(jobs[0]?.counts.tickets.created);
      expect((await get('/tickets?status=open&limit=1')).meta?.total).toBeGreaterThan(0);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);
});
