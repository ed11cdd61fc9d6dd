// `BENCH_DATABASE=postgres npm run bench`: LocalDesk on PostgreSQL, one node against two.
// It moves the benchmark's SQLite data set into PostgreSQL with `localdesk migrate` (timed, and
// checked: the same GET /tickets/:id answers on both engines for sampled ids), then runs the
// LocalDesk scenarios of `npm run bench` against one node and against two nodes sharing the
// database (the connections split between them, as a balancer would), and prints both with the
// ratio. Results go to bench/results/<timestamp>-postgres.json.
//
// BENCH_POSTGRES_URL: an empty database to use (a real server); by default a throwaway cluster
// from Debian's postgresql package (test/helpers/postgres.ts), in a temp folder, tuned below.
// The other BENCH_* variables are those of run.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { generateApiKey } from '../server/domain/apiKeys/keys.ts';
import { type Postgres, startPostgres } from '../test/helpers/postgres.ts';
import { prepareDataSet } from './dataset.ts';
import { type RunResult, median, runLoadOn } from './measure.ts';
import { type Child, cleanEnv, freePort, loadAverage, machineInfo, repoRoot, runNode, spawnNode, stop, waitFor200 } from './proc.ts';
import { type Scenario, buildScenarios } from './scenarios.ts';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

const config = {
  tickets: envNumber('BENCH_TICKETS', 100_000),
  messagesPerTicket: envNumber('BENCH_MESSAGES', 10),
  runs: envNumber('BENCH_RUNS', 3),
  seconds: envNumber('BENCH_SECONDS', 10),
  connections: envNumber('BENCH_CONNECTIONS', 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 2),
  poolSize: envNumber('BENCH_POOL_SIZE', 10),
  dataDir: resolve(process.env.BENCH_DATA || join(repoRoot, 'bench', 'data')),
  resultsDir: resolve(process.env.BENCH_RESULTS || join(repoRoot, 'bench', 'results')),
  url: process.env.BENCH_POSTGRES_URL || null,
};

const nodeCounts = [1, 2] as const;
const log = (text: string) => process.stderr.write(`[bench:postgres] ${text}\n`);
const adminKey = generateApiKey();
const children = new Set<Child>();
let cluster: Postgres | null = null;

/**
 * The throwaway cluster is made for tests (fsync off, 32 MB of shared buffers): durable commits
 * and a cache for the data set here. Its folder is in RAM (/dev/shm) when there is one, so a
 * commit's fsync is cheap: on disks, writes pay their commit latency under the write lock.
 */
async function throwawayDatabase(): Promise<string> {
  cluster = await startPostgres();
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  for (const setting of [
    "fsync = 'on'",
    "synchronous_commit = 'on'",
    "full_page_writes = 'on'",
    "shared_buffers = '1GB'",
    "effective_cache_size = '4GB'",
    "work_mem = '16MB'",
  ]) {
    await admin.query(`ALTER SYSTEM SET ${setting}`);
  }
  await admin.end();
  await cluster.down();
  await cluster.up();
  return cluster.createDatabase('bench');
}

async function startNode(name: string, url: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const env = cleanEnv({
    LOCALDESK_ADMIN_KEY: adminKey,
    LOCALDESK_RATE_LIMIT: '1000000',
    LOCALDESK_LOG_LEVEL: 'warn',
    LOCALDESK_DATABASE_URL: url,
    LOCALDESK_DATABASE_POOL_SIZE: String(config.poolSize),
  });
  const child = spawnNode(name, ['dist/server/cli.js', 'serve', '--port', String(port)], env);
  children.add(child);
  await waitFor200(child, `http://127.0.0.1:${port}/health`);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function startSqlite(runDir: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const env = cleanEnv({ LOCALDESK_ADMIN_KEY: adminKey, LOCALDESK_RATE_LIMIT: '1000000', LOCALDESK_LOG_LEVEL: 'warn' });
  const child = spawnNode('localdesk serve (SQLite)', ['dist/server/cli.js', 'serve', '--data', runDir, '--port', String(port)], env);
  children.add(child);
  await waitFor200(child, `http://127.0.0.1:${port}/health`);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopChild(child: Child): Promise<void> {
  await stop(child);
  children.delete(child);
}

async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: { 'x-api-key': adminKey } });
  return { status: res.status, text: await res.text() };
}

/** Ticket ids from list pages spread over the data set (the same ones on both engines). */
async function sampleIds(url: string, count: number): Promise<string[]> {
  const first = JSON.parse((await getText(`${url}/api/v1/tickets?limit=1`)).text) as { meta: { total: number } };
  const total = first.meta.total;
  const ids: string[] = [];
  const pages = Math.ceil(count / 50);
  for (let page = 0; page < pages; page++) {
    const offset = Math.floor((page * Math.max(1, total - 50)) / pages);
    const body = JSON.parse((await getText(`${url}/api/v1/tickets?limit=50&offset=${offset}&sortBy=createdAt`)).text) as {
      data: { id: string }[];
    };
    ids.push(...body.data.map((t) => t.id));
  }
  return ids.slice(0, count);
}

interface Row {
  id: string;
  label: string;
  nodes: Record<string, { reqPerSec: number; p50Ms: number; p99Ms: number; runs: RunResult[] }>;
  ratio: number;
}

async function measureOn(nodes: readonly { child: Child; url: string }[], s: Scenario): Promise<RunResult> {
  const headers = { 'x-api-key': adminKey, 'content-type': 'application/json' };
  const urls = nodes.map((node) => node.url);
  const specs = urls.map((url) => ({ url, method: s.method, headers, paths: s.paths, bodies: s.bodies }));
  if (config.warmup > 0) await runLoadOn(specs, config.warmup, config.connections);
  const runs: RunResult[] = [];
  for (let i = 0; i < config.runs; i++) {
    const result = await runLoadOn(specs, config.seconds, config.connections);
    const bad = result.non2xx + result.errors;
    log(
      `${urls.length} node(s) ${s.id.padEnd(22)} ${result.reqPerSec.toFixed(0).padStart(7)} req/s  p99 ${result.p99Ms.toFixed(1)} ms` +
        (bad ? `  !! ${bad} non-2xx/errors ${JSON.stringify(result.statuses)}` : ''),
    );
    runs.push(result);
    // Requests still queued when the run stopped must not eat into the next one.
    for (const node of nodes) await waitFor200(node.child, `${node.url}/health`, 600_000);
  }
  return {
    ...(runs[0] as RunResult),
    reqPerSec: Math.round(median(runs.map((r) => r.reqPerSec))),
    p50Ms: Math.round(median(runs.map((r) => r.p50Ms)) * 100) / 100,
    p99Ms: Math.round(median(runs.map((r) => r.p99Ms)) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const dataSet = await prepareDataSet(config.dataDir, config.tickets, config.messagesPerTicket, log);
  execFileSync(process.execPath, ['--import', 'tsx', 'server/build.ts'], { stdio: 'inherit' });
  const url = config.url ?? (await throwawayDatabase());

  // The SQLite copy is brought to the latest schema first (the first start migrates it).
  const first = await startSqlite(dataSet.runDir);
  await stopChild(first.child);
  log(`localdesk migrate: ${dataSet.tickets} tickets, ${dataSet.messages} messages …`);
  const migrateStarted = performance.now();
  const output = await runNode('localdesk migrate', ['dist/server/cli.js', 'migrate', '--from', dataSet.runDir, '--to', url], cleanEnv({}));
  const migrateSeconds = (performance.now() - migrateStarted) / 1000;
  log(`migrated in ${migrateSeconds.toFixed(1)} s\n${output.trim()}`);

  // The same answers on both engines: totals, and GET /tickets/:id for sampled ids.
  const onSqlite = await startSqlite(dataSet.runDir);
  const onPostgres = await startNode('localdesk serve (PostgreSQL)', url);
  const ids = await sampleIds(onSqlite.url, 200);
  let identical = 0;
  for (const id of ids) {
    const [a, b] = [await getText(`${onSqlite.url}/api/v1/tickets/${id}`), await getText(`${onPostgres.url}/api/v1/tickets/${id}`)];
    if (a.status === 200 && a.text === b.text) identical++;
    else log(`differs: ${id}`);
  }
  const totals: Record<string, [number, number]> = {};
  for (const path of ['/tickets', '/tickets?status=open', '/contacts', '/conversations', '/events', '/tickets?search=kangaroo']) {
    const total = async (base: string) => (JSON.parse((await getText(`${base}/api/v1${path}`)).text) as { meta: { total: number } }).meta.total;
    totals[path] = [await total(onSqlite.url), await total(onPostgres.url)];
  }
  log(`identical GET /tickets/:id: ${identical}/${ids.length}; totals ${JSON.stringify(totals)}`);
  const searchStatus = (await getText(`${onPostgres.url}/api/v1/search?q=kangaroo`)).status;
  const ticketIds = await sampleIds(onPostgres.url, 1_000);
  await stopChild(onSqlite.child);
  await stopChild(onPostgres.child);
  const scenarios = buildScenarios({ ticketIds, searchStatus, framework: true }).filter((s) => s.server === 'localdesk' && !s.skipped);

  const results = new Map<string, Record<number, RunResult>>();
  // Reads on one node, then on two, then the writes (which grow the data) the same way.
  for (const phase of [scenarios.filter((s) => !s.write), scenarios.filter((s) => s.write)]) {
    for (const n of nodeCounts) {
      const nodes = [];
      for (let i = 0; i < n; i++) nodes.push(await startNode(`node ${i + 1}`, url));
      for (const s of phase) {
        const result = await measureOn(nodes, s);
        results.set(s.id, { ...(results.get(s.id) ?? {}), [n]: result });
      }
      for (const node of nodes) await stopChild(node.child);
    }
  }

  const rows: Row[] = scenarios.map((s) => {
    const byNodes = results.get(s.id) ?? {};
    const one = byNodes[1];
    const two = byNodes[2];
    return {
      id: s.id,
      label: s.label,
      nodes: Object.fromEntries(
        nodeCounts.map((n) => {
          const r = byNodes[n];
          return [String(n), { reqPerSec: r?.reqPerSec ?? Number.NaN, p50Ms: r?.p50Ms ?? Number.NaN, p99Ms: r?.p99Ms ?? Number.NaN, runs: [] }];
        }),
      ),
      ratio: one && two ? Math.round((two.reqPerSec / one.reqPerSec) * 100) / 100 : Number.NaN,
    };
  });

  const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '—');
  const lines = [
    '| scenario | 1 node req/s | p99 ms | 2 nodes req/s | p99 ms | 2 ÷ 1 |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const a = r.nodes['1'];
      const b = r.nodes['2'];
      return `| ${r.label} | ${fmt(a?.reqPerSec ?? Number.NaN)} | ${a?.p99Ms ?? '—'} | ${fmt(b?.reqPerSec ?? Number.NaN)} | ${b?.p99Ms ?? '—'} | ${r.ratio}× |`;
    }),
    '',
    `localdesk migrate of ${dataSet.tickets} tickets / ${dataSet.messages} messages: ${migrateSeconds.toFixed(1)} s; ` +
      `GET /tickets/:id identical for ${identical}/${ids.length} sampled ids`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);

  const report = {
    schema: 1,
    database: 'postgres',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    loadAverage: { start: loadAtStart, end: loadAverage() },
    postgres: config.url ? 'BENCH_POSTGRES_URL' : 'throwaway cluster (test/helpers/postgres.ts), shared_buffers 1GB, fsync on, folder in RAM',
    dataSet: { tickets: dataSet.tickets, messagesPerTicket: dataSet.messagesPerTicket, messages: dataSet.messages },
    settings: { runs: config.runs, seconds: config.seconds, connections: config.connections, warmupSeconds: config.warmup, poolSize: config.poolSize },
    migrate: { seconds: Math.round(migrateSeconds * 10) / 10, sampledIds: ids.length, identical, totals },
    scenarios: rows,
    notes: [
      'two nodes: the connections are split between them; req/s summed, percentiles over every response',
      'every process (PostgreSQL, the nodes, the load generator) shares this machine',
    ],
  };
  mkdirSync(config.resultsDir, { recursive: true });
  const file = join(config.resultsDir, `${report.startedAt.replace(/[:.]/g, '-')}-postgres.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${file}`);
}

async function shutdown(code: number): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
  await cluster?.stop();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

main().then(
  () => shutdown(0),
  async (err: unknown) => {
    process.stderr.write(`[bench:postgres] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await shutdown(1);
  },
);
