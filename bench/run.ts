// `npm run bench`: for every size of BENCH_SIZES, seeds (or reuses) the data set, starts the
// real LocalDesk server and the reference servers as child processes, loads them with
// autocannon from this process over loopback (size.ts); then prints one table per size and every
// target line of issue 19 with PASS/FAIL (targets.ts), and writes bench/results/<timestamp>.json.
//
// Environment: BENCH_SIZES (10000,100000,1000000 tickets; BENCH_TICKETS=N alone means one size),
// BENCH_MESSAGES (10 per ticket), BENCH_RUNS (3), BENCH_SECONDS (10 per run), BENCH_CONNECTIONS
// (10), BENCH_WARMUP (2 s per scenario, 0: none), BENCH_DATA (bench/data), BENCH_RESULTS
// (bench/results), BENCH_READ_WORKERS (LOCALDESK_READ_WORKERS for the server; unset: its
// default), BENCH_SCENARIOS (only these scenario ids, comma-separated); BENCH_DATABASE=postgres runs bench/postgres.ts instead (LocalDesk on PostgreSQL, one
// node against two).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAverage, machineInfo, repoRoot } from './proc.ts';
import { type Report, type SizeReport, formatTable } from './report.ts';
import { type BenchConfig, benchSize, log, rateLimit, stopAll } from './size.ts';
import { targetLines } from './targets.ts';

function envNumber(name: string, fallback: number, { min, integer }: { min: number; integer: boolean }): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got ${raw}`);
  }
  return value;
}

/**
 * The size axis. Default: the three sizes issue 19 judges (the 1M data set is ~7 GB and is built
 * once under BENCH_DATA, then reused). BENCH_TICKETS, the older single-size setting, still works.
 */
function sizes(): number[] {
  const raw = process.env.BENCH_SIZES?.trim();
  if (!raw) return process.env.BENCH_TICKETS?.trim() ? [envNumber('BENCH_TICKETS', 0, { min: 1, integer: true })] : [10_000, 100_000, 1_000_000];
  const list = raw.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_SIZES must be whole numbers ≥ 1, separated by commas, got ${raw}`);
  return [...new Set(list)].sort((a, b) => a - b);
}

const config: BenchConfig & { sizes: number[]; resultsDir: string } = {
  sizes: sizes(),
  messagesPerTicket: envNumber('BENCH_MESSAGES', 10, { min: 1, integer: true }),
  runs: envNumber('BENCH_RUNS', 3, { min: 1, integer: true }),
  seconds: envNumber('BENCH_SECONDS', 10, { min: 0.1, integer: false }),
  connections: envNumber('BENCH_CONNECTIONS', 10, { min: 1, integer: true }),
  warmup: envNumber('BENCH_WARMUP', 2, { min: 0, integer: false }),
  dataDir: resolve(process.env.BENCH_DATA || join(repoRoot, 'bench', 'data')),
  resultsDir: resolve(process.env.BENCH_RESULTS || join(repoRoot, 'bench', 'results')),
  readWorkers: process.env.BENCH_READ_WORKERS?.trim() || null,
  only: process.env.BENCH_SCENARIOS?.trim() ? new Set(process.env.BENCH_SCENARIOS.split(',').map((id) => id.trim())) : null,
};

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  log(`settings: ${JSON.stringify({ ...config, dataDir: undefined, resultsDir: undefined })}`);
  const measured: SizeReport[] = [];
  // GET /health and the Koa hello-world measure the framework, not the data: once is enough.
  for (const [i, tickets] of config.sizes.entries()) measured.push(await benchSize(config, tickets, i === 0));

  const loadAtEnd = loadAverage();
  const busy = measured.filter((s) => s.loadAverage.start > 1.2);
  const report: Report = {
    schema: 2,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    settings: {
      sizes: config.sizes,
      messagesPerTicket: config.messagesPerTicket,
      runs: config.runs,
      seconds: config.seconds,
      connections: config.connections,
      warmupSeconds: config.warmup,
      readWorkers: config.readWorkers,
    },
    sizes: measured,
    targets: targetLines(measured),
    notes: [
      `LOCALDESK_RATE_LIMIT=${rateLimit} (the highest value the config accepts)`,
      'ratios: req/s ÷ the baseline req/s measured in the same round, median over the rounds; p99 targets: ÷ the raw reference p99 of the same size',
      ...(busy.length
        ? [`the machine was busy before measuring ${busy.map((s) => s.tickets).join(', ')} tickets (1-min load above 1.2): numbers are noisy`]
        : []),
    ],
  };

  process.stdout.write(`\n${formatTable(report)}`);
  mkdirSync(config.resultsDir, { recursive: true });
  const file = join(config.resultsDir, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${file}`);
}

async function shutdown(code: number) {
  await stopAll();
  process.exit(code);
}
const database = process.env.BENCH_DATABASE || 'sqlite';
if (database !== 'sqlite' && database !== 'postgres') {
  process.stderr.write(`[bench] BENCH_DATABASE must be sqlite or postgres, got ${database}\n`);
  process.exit(2);
}
// PostgreSQL, one node against two, is its own run (bench/postgres.ts).
if (database === 'postgres') await import('./postgres.ts');
else run();

function run(): void {
  process.once('SIGINT', () => void shutdown(130));
  process.once('SIGTERM', () => void shutdown(143));
  main().then(
    () => shutdown(0),
    async (err: unknown) => {
      process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      await shutdown(1);
    },
  );
}
