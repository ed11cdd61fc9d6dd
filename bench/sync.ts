// Team sync at size (issue 17): a host on the benchmark's data set (BENCH_TICKETS, default
// 100,000 × BENCH_MESSAGES 10) and a replica joined to it, both real `localdesk serve`
// processes. Measures the first snapshot (join to "online"), catch-up after the replica was
// stopped while the host took BENCH_SYNC_CHANGES writes, and reads on the replica beside the
// same reads on the host. `npm run bench:sync`; JSON in bench/results/<time>-sync.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateApiKey } from '../server/domain/apiKeys/keys.ts';
import { prepareDataSet } from './dataset.ts';
import { runLoad } from './measure.ts';
import { type Child, cleanEnv, freePort, loadAverage, machineInfo, repoRoot, spawnNode, stop, waitFor200 } from './proc.ts';

const tickets = Number(process.env.BENCH_TICKETS ?? 100_000);
const perTicket = Number(process.env.BENCH_MESSAGES ?? 10);
const changes = Number(process.env.BENCH_SYNC_CHANGES ?? 5_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const dataRoot = resolve(repoRoot, process.env.BENCH_DATA ?? 'bench/data');
const resultsDir = resolve(repoRoot, process.env.BENCH_RESULTS ?? 'bench/results');
const log = (line: string) => process.stdout.write(`${line}\n`);
const adminKey = generateApiKey();
const headers = { 'x-api-key': adminKey, 'content-type': 'application/json' };

async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { data: T }).data;
}

async function serve(name: string, args: string[]): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = spawnNode(name, ['dist/server/cli.js', 'serve', '--port', String(port), ...args], cleanEnv({
    LOCALDESK_ADMIN_KEY: adminKey,
    LOCALDESK_RATE_LIMIT: '1000000',
    LOCALDESK_LOG_LEVEL: 'warn',
  }));
  const url = `http://127.0.0.1:${port}`;
  await waitFor200(child, `${url}/health`, 15 * 60_000);
  return { child, url };
}

interface ReplicaStatus {
  state: string;
  pending: number;
  cursor: number;
}

async function waitOnline(url: string, hostCursor: () => Promise<number>): Promise<void> {
  for (;;) {
    try {
      const s = await api<ReplicaStatus>(url, 'GET', '/sync/status');
      if (s.state === 'online' && s.pending === 0 && s.cursor >= (await hostCursor())) return;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const loadBefore = loadAverage();
const dataSet = await prepareDataSet(dataRoot, tickets, perTicket, log);
execFileSync(process.execPath, ['--import', 'tsx', 'server/build.ts'], { stdio: 'inherit', cwd: repoRoot });
const host = await serve('host', ['--data', dataSet.runDir]);
const hostCursor = async () => (await api<{ cursor: number }>(host.url, 'POST', '/sync/pull', { after: 0, limit: 1 })).cursor;
log(`host on ${dataSet.tickets} tickets, ${dataSet.messages} messages (${(dataSet.bytes / 1e9).toFixed(2)} GB)`);

const replicaDir = mkdtempSync(join(dataRoot, 'replica-'));
const { code } = await api<{ code: string }>(host.url, 'POST', '/pairing-codes', {});
const joinStarted = performance.now();
let replica = await serve('replica', ['--data', replicaDir, '--join', host.url, '--pair', code]);
await waitOnline(replica.url, hostCursor);
const snapshotSeconds = (performance.now() - joinStarted) / 1000;
log(`first snapshot: ${snapshotSeconds.toFixed(1)} s (join to online)`);

// Catch-up: the replica is away while the host takes `changes` writes (replies and field changes).
await stop(replica.child);
const ids = (await api<{ id: string }[]>(host.url, 'GET', '/tickets?limit=100')).map((t) => t.id);
const priorities = ['low', 'medium', 'high', 'urgent'];
for (let i = 0; i < changes; i++) {
  const id = ids[i % ids.length] as string;
  if (i % 2 === 0) await api(host.url, 'POST', `/tickets/${id}/messages`, { body: `catch-up reply ${i}` });
  else await api(host.url, 'PATCH', `/tickets/${id}`, { priority: priorities[i % 4] });
}
const target = await hostCursor();
const catchStarted = performance.now();
replica = await serve('replica', ['--data', replicaDir]);
await waitOnline(replica.url, async () => target);
const catchUpSeconds = (performance.now() - catchStarted) / 1000;
log(`catch-up of ${changes} writes: ${catchUpSeconds.toFixed(1)} s including the restart (${(changes / catchUpSeconds).toFixed(0)} writes/s)`);

// Reads, the replica beside the host.
const sample = (await api<{ id: string }[]>(host.url, 'GET', '/tickets?limit=100&offset=5000')).map((t) => `/api/v1/tickets/${t.id}`);
const reads: Record<string, { reqPerSec: number; p50Ms: number; p99Ms: number }> = {};
for (const [name, paths] of [
  ['GET /tickets/:id', sample],
  ['GET /tickets (list)', ['/api/v1/tickets?limit=50']],
  ['GET /tickets?search=', ['/api/v1/tickets?search=printer&limit=50']],
] as const) {
  for (const [side, url] of [['host', host.url], ['replica', replica.url]] as const) {
    const r = await runLoad({ url, method: 'GET', headers: { 'x-api-key': adminKey }, paths }, seconds, connections);
    reads[`${name} @ ${side}`] = { reqPerSec: r.reqPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
    log(`${name.padEnd(24)} ${side.padEnd(8)} ${r.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms`);
  }
}
await stop(replica.child);
await stop(host.child);
rmSync(replicaDir, { recursive: true, force: true });

const result = {
  kind: 'sync',
  at: new Date().toISOString(),
  machine: machineInfo(),
  loadBefore,
  loadAfter: loadAverage(),
  dataSet: { tickets: dataSet.tickets, messages: dataSet.messages, bytes: dataSet.bytes },
  firstSnapshotSeconds: snapshotSeconds,
  catchUp: { writes: changes, seconds: catchUpSeconds, writesPerSecond: changes / catchUpSeconds },
  reads,
};
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${result.at.replaceAll(':', '-')}-sync.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
log(`written ${file}`);
