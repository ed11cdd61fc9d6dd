// What the benchmark measures and the targets of issue #7 (100k tickets, 1M messages,
// 10 connections). Read scenarios run first, in rounds; the write scenarios run after them so
// the reads see the seeded data set only.
import { seedWords } from '../db/seed.ts';

export type ServerKind = 'localdesk' | 'raw' | 'koa';

export interface Summary {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Median over the runs of req/s ÷ the baseline's req/s in the same round, per baseline. */
  ratios: Record<string, number>;
}

export interface Verdict {
  pass: boolean;
  detail: string;
}

export interface Target {
  text: string;
  check(summary: Summary): Verdict;
}

export interface Scenario {
  id: string;
  label: string;
  server: ServerKind;
  method: 'GET' | 'POST';
  paths: readonly string[];
  /** How the request is shown when `paths` rotate (e.g. /api/v1/tickets/:id). */
  pattern?: string;
  bodies?: readonly string[];
  /** Scenario ids whose req/s this one is compared with (same round); the first is shown. */
  baselines: readonly string[];
  target?: Target;
  write?: boolean;
  /** Not measured; the reason goes into the table and the JSON. */
  skipped?: string;
}

export interface ScenarioInput {
  /** Random ticket ids (shuffled), for GET by id and replies. */
  ticketIds: readonly string[];
  /** How /api/v1/search?q= answered before the run: 200 means measure it. */
  searchStatus: number;
}


const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';

function all(...checks: Target[]): Target {
  return {
    text: checks.map((c) => c.text).join(' & '),
    check(summary) {
      const verdicts = checks.map((c) => c.check(summary));
      const failed = verdicts.filter((v) => !v.pass);
      return { pass: failed.length === 0, detail: (failed.length ? failed : verdicts).map((v) => v.detail).join('; ') };
    },
  };
}

function minReqPerSec(min: number): Target {
  return {
    text: `≥${fmt(min)} req/s`,
    check: (s) => ({ pass: s.reqPerSec >= min, detail: `${fmt(s.reqPerSec)} req/s` }),
  };
}

function minRatio(baseline: string, min: number): Target {
  return {
    text: `≥${fmt(min, 2)}× ${baseline}`,
    check: (s) => {
      const ratio = s.ratios[baseline] ?? Number.NaN;
      return { pass: ratio >= min, detail: `${fmt(ratio, 2)}× ${baseline}` };
    },
  };
}

function maxP99(ms: number): Target {
  return {
    text: `p99 ≤${ms} ms`,
    check: (s) => ({ pass: s.p99Ms <= ms, detail: `p99 ${fmt(s.p99Ms, 1)} ms` }),
  };
}

export const coldStartTargetMs = 1_000;
export const peakRssTargetBytes = 300 * 1024 * 1024;

export function buildScenarios(input: ScenarioInput): Scenario[] {
  const list = '/api/v1/tickets?status=open&limit=50';
  const idPaths = (prefix: string, suffix = '') => input.ticketIds.map((id) => `${prefix}${encodeURIComponent(id)}${suffix}`);
  const searchSkip =
    input.searchStatus === 200
      ? undefined
      : `/api/v1/search answered ${input.searchStatus}${input.searchStatus === 404 ? ' (not there yet)' : ''}`;
  const newTickets = Array.from({ length: 500 }, (_, i) =>
    JSON.stringify({
      subject: `Benchmark ticket ${i}: cannot export the report`,
      description: `The weekly export fails with a timeout since the update (benchmark request ${i}).`,
      contactEmail: `bench-${i % 100}@example.test`,
      priority: (['low', 'medium', 'high', 'urgent'] as const)[i % 4],
    }),
  );
  const replies = Array.from({ length: 500 }, (_, i) =>
    JSON.stringify({ body: `Thanks, we are looking into it (benchmark reply ${i}).`, sender: 'agent' }),
  );

  return [
    { id: 'health', label: 'GET /health', server: 'localdesk', method: 'GET', paths: ['/health'], baselines: ['koa-hello'] },
    { id: 'koa-hello', label: 'ref: Koa hello-world', server: 'koa', method: 'GET', paths: ['/'], baselines: [] },
    {
      id: 'list',
      label: 'list open, meta.total',
      server: 'localdesk',
      method: 'GET',
      paths: [list],
      baselines: ['ref-list', 'ref-list-count'],
      target: all(minReqPerSec(2_000), minRatio('ref-list', 0.75)),
    },
    { id: 'ref-list-count', label: 'ref: list + COUNT', server: 'raw', method: 'GET', paths: ['/tickets?status=open&limit=50'], baselines: ['ref-list'] },
    { id: 'ref-list', label: 'ref: list, no count', server: 'raw', method: 'GET', paths: ['/tickets?status=open&limit=50&nocount=1'], baselines: [] },
    {
      id: 'list-offset',
      label: 'list open, offset=5000',
      server: 'localdesk',
      method: 'GET',
      paths: [`${list}&offset=5000`],
      baselines: ['list'],
      target: minRatio('list', 0.5),
    },
    {
      id: 'search-rare',
      label: `list search=${seedWords.rare} (3%)`,
      server: 'localdesk',
      method: 'GET',
      paths: [`/api/v1/tickets?search=${seedWords.rare}&limit=50`],
      baselines: ['list'],
      target: maxP99(10),
    },
    {
      id: 'search-common',
      label: `list search=${seedWords.common} (30%)`,
      server: 'localdesk',
      method: 'GET',
      paths: [`/api/v1/tickets?search=${seedWords.common}&limit=50`],
      baselines: ['list'],
      target: maxP99(25),
    },
    {
      id: 'get',
      label: 'GET ticket + thread',
      server: 'localdesk',
      method: 'GET',
      paths: idPaths('/api/v1/tickets/'),
      pattern: '/api/v1/tickets/:id',
      baselines: ['ref-get'],
      target: minRatio('ref-get', 0.75),
    },
    { id: 'ref-get', label: 'ref: ticket + thread', server: 'raw', method: 'GET', paths: idPaths('/tickets/'), pattern: '/tickets/:id', baselines: [] },
    {
      id: 'global-search-rare',
      label: `/search?q=${seedWords.rare} (3%)`,
      server: 'localdesk',
      method: 'GET',
      paths: [`/api/v1/search?q=${seedWords.rare}`],
      baselines: [],
      target: maxP99(10),
      skipped: searchSkip,
    },
    {
      id: 'global-search-common',
      label: `/search?q=${seedWords.common} (30%)`,
      server: 'localdesk',
      method: 'GET',
      paths: [`/api/v1/search?q=${seedWords.common}`],
      baselines: [],
      target: maxP99(25),
      skipped: searchSkip,
    },
    {
      id: 'post-ticket',
      label: 'POST /tickets',
      server: 'localdesk',
      method: 'POST',
      paths: ['/api/v1/tickets'],
      bodies: newTickets,
      baselines: [],
      target: minReqPerSec(1_000),
      write: true,
    },
    {
      id: 'post-message',
      label: 'POST /tickets/:id/messages',
      server: 'localdesk',
      method: 'POST',
      paths: idPaths('/api/v1/tickets/', '/messages'),
      pattern: '/api/v1/tickets/:id/messages',
      bodies: replies,
      baselines: [],
      write: true,
    },
  ];
}
