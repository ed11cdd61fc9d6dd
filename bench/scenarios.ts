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

/** A target line of the issue, judged from this scenario's summary and the others' of the same size. */
export interface Target {
  /** A short id, stable across runs (the JSON's key). */
  id: string;
  text: string;
  check(own: Summary, others: ReadonlyMap<string, Summary>): Verdict;
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
  targets?: readonly Target[];
  write?: boolean;
  /** Not measured; the reason goes into the table and the JSON. */
  skipped?: string;
}

export interface ScenarioInput {
  /** Random ticket ids (shuffled), for GET by id and replies. */
  ticketIds: readonly string[];
  /** How /api/v1/search?q= answered before the run: 200 means measure it. */
  searchStatus: number;
  /** Whether to measure GET /health and the Koa hello-world (once per bench run is enough). */
  framework: boolean;
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';

function minReqPerSec(id: string, min: number): Target {
  return {
    id,
    text: `≥${fmt(min)} req/s`,
    check: (s) => ({ pass: s.reqPerSec >= min, detail: `${fmt(s.reqPerSec)} req/s` }),
  };
}

function minRatio(id: string, baseline: string, min: number, note = ''): Target {
  return {
    id,
    text: `≥${fmt(min, 2)}× ${baseline}${note}`,
    check: (s) => {
      const ratio = s.ratios[baseline] ?? Number.NaN;
      return { pass: ratio >= min, detail: `${fmt(ratio, 2)}× ${baseline}` };
    },
  };
}

/** p99 against another scenario's p99 in the same run (issue 19: not in absolute ms). */
function maxP99Ratio(id: string, baseline: string, max: number): Target {
  return {
    id,
    text: `p99 ≤${fmt(max, 1)}× ${baseline} p99`,
    check: (s, others) => {
      const theirs = others.get(baseline)?.p99Ms ?? Number.NaN;
      const ratio = s.p99Ms / theirs;
      return {
        pass: ratio <= max,
        detail: `p99 ${fmt(s.p99Ms, 1)} ms = ${fmt(ratio, 2)}× ${baseline} (${fmt(theirs, 1)} ms)`,
      };
    },
  };
}

export const coldStartTargetMs = 1_000;
/** Issue 19: with the read pool, peak RSS ≤ 350 MB. */
export const peakRssTargetBytes = 350 * 1024 * 1024;
/** Issue 19: every read scenario's p50 at 1M within this factor of its p50 at 100k. */
export const scaleTargetFactor = 1.3;
export const scaleFrom = 100_000;
export const scaleTo = 1_000_000;
/** A prefix of the rare word (4 characters: served by the prefix index of that length). */
export const prefixTerm = seedWords.rare.slice(0, 4);

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

  const searchP99 = (id: string) => [maxP99Ratio(`${id}-p99`, 'ref-list', 1.5)];
  const listSearch = (id: string, term: string, share: string): Scenario => ({
    id,
    label: `list search=${term} (${share})`,
    server: 'localdesk',
    method: 'GET',
    paths: [`/api/v1/tickets?search=${term}&limit=50`],
    baselines: ['list'],
    targets: searchP99(id),
  });
  const globalSearch = (id: string, term: string, share: string): Scenario => ({
    id,
    label: `/search?q=${term} (${share})`,
    server: 'localdesk',
    method: 'GET',
    paths: [`/api/v1/search?q=${term}`],
    baselines: [],
    targets: searchP99(id),
    skipped: searchSkip,
  });

  const framework: Scenario[] = [
    { id: 'health', label: 'GET /health', server: 'localdesk', method: 'GET', paths: ['/health'], baselines: ['koa-hello'] },
    { id: 'koa-hello', label: 'ref: Koa hello-world', server: 'koa', method: 'GET', paths: ['/'], baselines: [] },
  ];
  return [
    ...(input.framework ? framework : []),
    {
      id: 'list',
      label: 'list open, meta.total',
      server: 'localdesk',
      method: 'GET',
      paths: [list],
      baselines: ['ref-list', 'ref-list-count'],
      targets: [minRatio('list-both-cores', 'ref-list', 1.3, ' (both cores)')],
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
      targets: [minRatio('offset', 'list', 0.5)],
    },
    listSearch('search-rare', seedWords.rare, '3%'),
    listSearch('search-common', seedWords.common, '30%'),
    listSearch('search-prefix', prefixTerm, 'prefix, 3%'),
    {
      id: 'get',
      label: 'GET ticket + thread',
      server: 'localdesk',
      method: 'GET',
      paths: idPaths('/api/v1/tickets/'),
      pattern: '/api/v1/tickets/:id',
      baselines: ['ref-get'],
      targets: [minRatio('get', 'ref-get', 0.75), minRatio('get-both-cores', 'ref-get', 1.0, ' (both cores)')],
    },
    { id: 'ref-get', label: 'ref: ticket + thread', server: 'raw', method: 'GET', paths: idPaths('/tickets/'), pattern: '/tickets/:id', baselines: [] },
    globalSearch('global-search-rare', seedWords.rare, '3%'),
    globalSearch('global-search-common', seedWords.common, '30%'),
    globalSearch('global-search-prefix', prefixTerm, 'prefix, 3%'),
    {
      id: 'post-ticket',
      label: 'POST /tickets',
      server: 'localdesk',
      method: 'POST',
      paths: ['/api/v1/tickets'],
      bodies: newTickets,
      baselines: [],
      targets: [minReqPerSec('post-ticket', 1_000)],
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
      targets: [minReqPerSec('post-message', 1_500)],
      write: true,
    },
  ];
}
