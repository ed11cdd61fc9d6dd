// One size of the benchmark's size axis: the data set of that size (seeded once, copied fresh),
// the raw reference and the Koa hello-world beside the real server, cold starts, every scenario
// in rounds (reads, then writes), peak memory. run.ts calls it once per BENCH_SIZES entry.
import { execFileSync } from 'node:child_process';
import { generateApiKey } from '../server/domain/apiKeys/keys.ts';
import { prepareDataSet } from './dataset.ts';
import { type RunResult, median, runLoad } from './measure.ts';
import { type Child, cleanEnv, freePort, loadAverage, peakRssBytes, spawnNode, stop, waitFor200 } from './proc.ts';
import { type SizeReport, requestOf, scenarioReport } from './report.ts';
import { type Scenario, type ServerKind, type Summary, buildScenarios, coldStartTargetMs, peakRssTargetBytes } from './scenarios.ts';

export interface BenchConfig {
  messagesPerTicket: number;
  runs: number;
  seconds: number;
  connections: number;
  warmup: number;
  dataDir: string;
  /** LOCALDESK_READ_WORKERS for the server; null: the server's default. */
  readWorkers: string | null;
  /** Only these scenario ids (BENCH_SCENARIOS); null: all. */
  only: ReadonlySet<string> | null;
}

export const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const children = new Set<Child>();
const host = '127.0.0.1';
type Measured = RunResult & { drainMs: number };
/** A server still busy this long after a run had requests queued beyond the run's end. */
const slowDrainMs = 1_000;
const drainTimeoutMs = 600_000;
// The largest per-minute limit the config accepts (LOCALDESK_RATE_LIMIT is capped at 1,000,000).
export const rateLimit = '1000000';

async function start(name: string, args: string[], env: NodeJS.ProcessEnv, healthPath = '/health', timeoutMs = 60_000) {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawnNode(name, [...args, '--port', String(port)], env);
  children.add(child);
  const readyAt = await waitFor200(child, `http://${host}:${port}${healthPath}`, timeoutMs);
  return { child, url: `http://${host}:${port}`, startMs: readyAt - startedAt };
}

async function stopChild(child: Child) {
  await stop(child);
  children.delete(child);
}

/** Every child still running (an interrupted run). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
}

/** mulberry32, so the sampled ticket ids are the same from run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function getJson(url: string, key: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { 'x-api-key': key } });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

interface ListBody {
  data: { id: string }[];
  meta: { total: number };
}

/** ~1,000 random ticket ids, taken from list pages at random offsets. */
async function sampleTicketIds(url: string, key: string): Promise<string[]> {
  const first = await getJson(`${url}/api/v1/tickets?limit=1`, key);
  const total = (first.body as ListBody).meta?.total;
  if (first.status !== 200 || typeof total !== 'number') {
    throw new Error(`GET /api/v1/tickets answered ${first.status}: ${JSON.stringify(first.body).slice(0, 300)}`);
  }
  const random = prng(7);
  const ids = new Set<string>();
  for (let page = 0; page < 10; page++) {
    const offset = Math.floor(random() * Math.max(1, total - 100));
    const { body } = await getJson(`${url}/api/v1/tickets?limit=100&offset=${offset}`, key);
    for (const ticket of (body as ListBody).data) ids.add(ticket.id);
  }
  const list = [...ids];
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j] as string, list[i] as string];
  }
  if (list.length === 0) throw new Error('the data set has no tickets');
  return list.slice(0, 1_000);
}

/** Medians, rounded as the table shows them, so the target checks judge the numbers shown. */
function summarize(s: Scenario, results: Map<string, Measured[]>): Summary {
  const own = results.get(s.id) ?? [];
  const ratios: Record<string, number> = {};
  for (const baseline of s.baselines) {
    const theirs = results.get(baseline);
    if (!theirs) continue;
    const ratio = median(own.map((run, i) => run.reqPerSec / (theirs[i]?.reqPerSec ?? Number.NaN)));
    ratios[baseline] = Math.round(ratio * 100) / 100;
  }
  const rounded = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    reqPerSec: rounded(median(own.map((r) => r.reqPerSec)), 0),
    p50Ms: rounded(median(own.map((r) => r.p50Ms)), 2),
    p99Ms: rounded(median(own.map((r) => r.p99Ms)), 2),
    ratios,
  };
}

/** Builds (once) and copies the data set of `tickets`, measures every scenario on it. */
export async function benchSize(config: BenchConfig, tickets: number, framework: boolean): Promise<SizeReport> {
  const loadAtStart = loadAverage();
  const adminKey = generateApiKey();
  log(`── ${tickets.toLocaleString('en-US')} tickets × ${config.messagesPerTicket} messages`);
  const dataSet = await prepareDataSet(config.dataDir, tickets, config.messagesPerTicket, log);
  log(`copied the seed to ${dataSet.runDir} in ${dataSet.copiedInSeconds.toFixed(1)} s`);

  // The references first (both at once), so nothing else starts while LocalDesk's cold start is timed.
  const refEnv = cleanEnv({});
  const [raw, koa] = await Promise.all([
    start('reference raw', ['--import', 'tsx', 'bench/reference.ts', 'raw', '--db', dataSet.file], refEnv),
    start('reference koa', ['--import', 'tsx', 'bench/reference.ts', 'koa'], refEnv),
  ]);
  // The prebuilt CLI bundle, as `npm start` runs it (tsx compiling the sources would be timed
  // as cold start otherwise).
  execFileSync(process.execPath, ['--import', 'tsx', 'server/build.ts'], { stdio: 'inherit' });
  const serveArgs = ['dist/server/cli.js', 'serve', '--data', dataSet.runDir];
  const serveEnv = cleanEnv({
    LOCALDESK_ADMIN_KEY: adminKey,
    LOCALDESK_RATE_LIMIT: rateLimit,
    LOCALDESK_LOG_LEVEL: 'warn',
    ...(config.readWorkers === null ? {} : { LOCALDESK_READ_WORKERS: config.readWorkers }),
  });
  const coldStarts: number[] = [];
  let firstStartMs = 0;
  let localdesk: Awaited<ReturnType<typeof start>> | null = null;
  // The first start is not timed: it migrates the fresh copy (the seed may predate the latest
  // migrations) and adds the admin key; the timed ones are ordinary starts of that file.
  for (let i = 0; i <= config.runs; i++) {
    if (localdesk) await stopChild(localdesk.child);
    // A migration that rebuilds an index over every ticket takes minutes at 1M on a busy
    // machine: the untimed first start may take its time.
    localdesk = await start('localdesk serve', serveArgs, serveEnv, '/health', i === 0 ? 30 * 60_000 : 60_000);
    if (i === 0) firstStartMs = localdesk.startMs;
    else coldStarts.push(localdesk.startMs);
    log(`${i === 0 ? 'first start (migrations; not timed)' : `cold start ${i}/${config.runs}`}: ${localdesk.startMs.toFixed(0)} ms`);
  }
  if (!localdesk) throw new Error('unreachable');
  const servers: Record<ServerKind, { url: string; child: Child }> = { localdesk, raw, koa };

  const ticketIds = await sampleTicketIds(localdesk.url, adminKey);
  const searchStatus = (await getJson(`${localdesk.url}/api/v1/search?q=kangaroo`, adminKey)).status;
  const scenarios = buildScenarios({ ticketIds, searchStatus, framework });
  const measured = scenarios.filter((s) => !s.skipped && (config.only === null || config.only.has(s.id)));
  for (const s of scenarios) if (s.skipped) log(`skipping ${s.label}: ${s.skipped}`);
  const perScenario = config.warmup + config.runs * config.seconds + 0.5 * config.runs;
  log(`${measured.length} scenarios, about ${Math.ceil((measured.length * perScenario) / 60)} min of load`);

  const results = new Map<string, Measured[]>();
  const alive = () => {
    for (const { child } of Object.values(servers)) {
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
        throw new Error(`${child.name} died during the run:\n${child.output()}`);
      }
    }
  };
  /**
   * One load run, then wait until the server answers /health again: requests still queued when
   * autocannon stops (slower than the run) would otherwise eat into the next scenario.
   */
  const load = async (s: Scenario, seconds: number): Promise<Measured> => {
    const server = servers[s.server];
    const headers: Record<string, string> =
      s.server === 'localdesk' ? { 'x-api-key': adminKey, 'content-type': 'application/json' } : {};
    const result = await runLoad({ url: server.url, method: s.method, headers, paths: s.paths, bodies: s.bodies }, seconds, config.connections);
    const drainStarted = performance.now();
    await waitFor200(server.child, `${server.url}/health`, drainTimeoutMs);
    alive();
    return { ...result, drainMs: performance.now() - drainStarted };
  };
  // Reads first (all rounds), then writes: the reads only ever see the seeded data.
  for (const phase of [measured.filter((s) => !s.write), measured.filter((s) => s.write)]) {
    if (config.warmup > 0) {
      for (const s of phase) {
        const { drainMs } = await load(s, config.warmup);
        if (drainMs > slowDrainMs) log(`warm-up ${s.id}: the server needed ${(drainMs / 1000).toFixed(1)} s to drain`);
      }
    }
    for (let round = 1; round <= config.runs; round++) {
      for (const s of phase) {
        const result = await load(s, config.seconds);
        results.set(s.id, [...(results.get(s.id) ?? []), result]);
        const bad = result.non2xx + result.errors;
        log(
          `run ${round}/${config.runs} ${s.id.padEnd(22)} ${result.reqPerSec.toFixed(0).padStart(7)} req/s` +
            `  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms` +
            (bad ? `  !! ${bad} non-2xx/errors ${JSON.stringify(result.statuses)}` : '') +
            (result.drainMs > slowDrainMs ? `  !! ${(result.drainMs / 1000).toFixed(1)} s to drain` : ''),
        );
      }
    }
  }

  const rss = (child: Child) => {
    const bytes = peakRssBytes(child.pid);
    return bytes === null ? null : Math.round(bytes / 2 ** 20);
  };
  const loadAtEnd = loadAverage();
  const peak = { localdesk: rss(localdesk.child), raw: rss(raw.child), koa: rss(koa.child) };
  for (const child of [...children]) await stopChild(child);

  const summaries = new Map(measured.map((s) => [s.id, summarize(s, results)] as const));
  const coldMedian = median(coldStarts);
  return {
    tickets: dataSet.tickets,
    messagesPerTicket: dataSet.messagesPerTicket,
    messages: dataSet.messages,
    megabytes: Math.round(dataSet.bytes / 2 ** 20),
    seed: {
      seconds: dataSet.seededInSeconds === null ? null : Math.round(dataSet.seededInSeconds),
      builtThisRun: dataSet.seededNow,
      rowsPerSecond: dataSet.seedRowsPerSecond === null ? null : Math.round(dataSet.seedRowsPerSecond),
    },
    copySeconds: Math.round(dataSet.copiedInSeconds * 10) / 10,
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    scenarios: measured.map((s) => {
      const summary = summaries.get(s.id) as Summary;
      const verdicts = (s.targets ?? []).map((t) => ({ id: t.id, text: t.text, ...t.check(summary, summaries) }));
      return scenarioReport(s, summary, verdicts, results.get(s.id) ?? []);
    }),
    skipped: scenarios
      .filter((s) => s.skipped)
      .map((s) => ({ id: s.id, label: s.label, request: requestOf(s), reason: s.skipped ?? '' })),
    coldStart: {
      medianMs: Math.round(coldMedian),
      runsMs: coldStarts.map((v) => Math.round(v)),
      firstStartMs: Math.round(firstStartMs),
      target: `≤${coldStartTargetMs} ms`,
      pass: coldMedian <= coldStartTargetMs,
    },
    peakRss: {
      localdeskMb: peak.localdesk,
      rawReferenceMb: peak.raw,
      koaReferenceMb: peak.koa,
      target: `≤${peakRssTargetBytes / 2 ** 20} MB`,
      pass: peak.localdesk === null ? null : peak.localdesk * 2 ** 20 <= peakRssTargetBytes,
    },
  };
}
