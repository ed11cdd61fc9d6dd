// One autocannon run against one scenario, in this process. Latencies are taken from every
// 2xx response at full (sub-millisecond) precision: autocannon's own histogram has whole
// milliseconds, too coarse for p50s under a millisecond.
import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Paths sent round-robin across all connections (one path: the same request every time). */
  paths: readonly string[];
  /** Request bodies sent round-robin (POST). */
  bodies?: readonly string[];
}

export interface RunResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Counts per HTTP status, e.g. { "200": 51234 }. */
  statuses: Record<string, number>;
}

/** NaN when nothing succeeded: a run without a 2xx must not look fast. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** NaN when any value is NaN (a run that measured nothing spoils the median). */
export function median(values: readonly number[]): number {
  if (values.length === 0 || values.some((v) => Number.isNaN(v))) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function runLoad(spec: LoadSpec, seconds: number, connections: number): Promise<RunResult> {
  return runLoadOn([spec], seconds, connections);
}

interface RawRun {
  latencies: Float64Array;
  result: AutocannonResult;
}

/**
 * The same load spread over several servers at once (several nodes behind a balancer): the
 * connections are divided between them, and the result is one run (req/s summed, percentiles
 * over every response).
 */
export async function runLoadOn(specs: readonly LoadSpec[], seconds: number, connections: number): Promise<RunResult> {
  const share = (i: number) => Math.floor(connections / specs.length) + (i < connections % specs.length ? 1 : 0);
  const runs = await Promise.all(specs.map((spec, i) => runOne(spec, seconds, Math.max(1, share(i)))));
  const total = runs.reduce((n, r) => n + r.latencies.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const run of runs) {
    all.set(run.latencies, at);
    at += run.latencies.length;
  }
  const sorted = all.sort();
  const statuses: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  for (const { result } of runs) {
    for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statuses[code] = (statuses[code] ?? 0) + n;
    ok += result.duration > 0 ? result['2xx'] / result.duration : 0;
    non2xx += result.non2xx;
    errors += result.errors;
  }
  return {
    reqPerSec: ok,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    requests: runs.reduce((n, r) => n + r.result['2xx'] + r.result.non2xx, 0),
    non2xx,
    errors,
    statuses,
  };
}

function runOne(spec: LoadSpec, seconds: number, connections: number): Promise<RawRun> {
  const { paths, bodies } = spec;
  let next = 0;
  const rotating = paths.length > 1 || (bodies?.length ?? 0) > 1;
  const options: AutocannonOptions = {
    url: spec.url,
    connections,
    duration: seconds,
    timeout: 30,
    method: spec.method,
    headers: spec.headers,
    ...(rotating
      ? {
          requests: [
            {
              setupRequest: (request) => {
                const i = next++;
                request.path = paths[i % paths.length];
                if (bodies && bodies.length > 0) request.body = bodies[i % bodies.length];
                return request;
              },
            },
          ],
        }
      : { requests: [{ path: paths[0], ...(bodies?.[0] === undefined ? {} : { body: bodies[0] }) }] }),
  };

  let latencies = new Float64Array(1 << 16);
  let count = 0;
  return new Promise<RawRun>((resolve, reject) => {
    const instance = autocannon(options, (err: Error | null, result: AutocannonResult) => {
      if (err) return reject(err);
      resolve({ latencies: latencies.subarray(0, count), result });
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
    });
  });
}
