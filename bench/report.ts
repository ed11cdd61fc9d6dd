// The results: one fixed-width table for the terminal and a small JSON file to commit.
import type { RunResult } from './measure.ts';
import type { Scenario, Summary, Verdict } from './scenarios.ts';

export interface ScenarioReport {
  id: string;
  label: string;
  server: string;
  request: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratios: Record<string, number>;
  target: string | null;
  pass: boolean | null;
  detail: string | null;
  runs: {
    reqPerSec: number;
    p50Ms: number;
    p99Ms: number;
    non2xx: number;
    errors: number;
    statuses: Record<string, number>;
    /** How long the server took after the run to answer /health again (queued requests). */
    drainMs: number;
  }[];
}

export interface Report {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
  /** 1-minute load average before and after the load (on an idle machine, ~0 before). */
  loadAverage: { start: number; end: number };
  dataSet: { tickets: number; messagesPerTicket: number; messages: number; megabytes: number; seededInSeconds: number | null };
  settings: { runs: number; seconds: number; connections: number; warmupSeconds: number };
  scenarios: ScenarioReport[];
  skipped: { id: string; label: string; request: string; reason: string }[];
  /** Timed starts after a first, untimed one (firstStartMs: migrations, admin key). */
  coldStart: { medianMs: number; runsMs: number[]; firstStartMs: number; target: string; pass: boolean };
  peakRss: { localdeskMb: number | null; rawReferenceMb: number | null; koaReferenceMb: number | null; target: string; pass: boolean | null };
  notes: string[];
}

const round = (n: number, digits: number) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export function requestOf(s: Scenario): string {
  return `${s.method} ${s.pattern ?? s.paths[0] ?? ''}`;
}

export function scenarioReport(
  s: Scenario,
  summary: Summary,
  verdict: Verdict | null,
  runs: (RunResult & { drainMs: number })[],
): ScenarioReport {
  return {
    id: s.id,
    label: s.label,
    server: s.server,
    request: requestOf(s),
    reqPerSec: round(summary.reqPerSec, 1),
    p50Ms: round(summary.p50Ms, 3),
    p99Ms: round(summary.p99Ms, 3),
    ratios: Object.fromEntries(Object.entries(summary.ratios).map(([k, v]) => [k, round(v, 3)])),
    target: s.target?.text ?? null,
    pass: verdict?.pass ?? null,
    detail: verdict?.detail ?? null,
    runs: runs.map((r) => ({
      reqPerSec: round(r.reqPerSec, 1),
      p50Ms: round(r.p50Ms, 3),
      p99Ms: round(r.p99Ms, 3),
      non2xx: r.non2xx,
      errors: r.errors,
      statuses: r.statuses,
      drainMs: Math.round(r.drainMs),
    })),
  };
}

const num = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';

const columns = [
  { title: 'scenario', width: 30, right: false },
  { title: 'req/s', width: 9, right: true },
  { title: 'p50 ms', width: 8, right: true },
  { title: 'p99 ms', width: 8, right: true },
  { title: 'ratio', width: 22, right: false },
  { title: 'target', width: 31, right: false },
  { title: 'result', width: 0, right: false },
] as const;

function line(cells: readonly string[]): string {
  return columns
    .map((c, i) => {
      const cell = cells[i] ?? '';
      if (c.width === 0) return cell;
      return c.right ? cell.padStart(c.width) : cell.padEnd(c.width);
    })
    .join('  ')
    .trimEnd();
}

const verdictText = (pass: boolean | null, detail: string) =>
  pass === null ? detail : `${pass ? 'PASS' : 'FAIL'} ${detail}`.trimEnd();

export function formatTable(report: Report): string {
  const d = report.dataSet;
  const m = report.machine;
  const s = report.settings;
  const out = [
    `LocalDesk benchmark ${report.startedAt}`,
    `data: ${num(d.tickets)} tickets × ${d.messagesPerTicket} messages (${num(d.messages)} messages, ${num(d.megabytes)} MB)` +
      ` · ${s.runs} run(s) × ${s.seconds} s · ${s.connections} connections · medians of the runs`,
    `machine: ${m.cpu} · ${m.cores} cores · ${m.memoryGb} GB · Node ${m.node} · ${m.platform}` +
      ` · load average ${report.loadAverage.start} before, ${report.loadAverage.end} after`,
    '',
    line(columns.map((c) => c.title)),
    line(columns.map((c) => '-'.repeat(Math.max(c.width, c.title.length)))),
  ];
  const footnotes: string[] = [];
  for (const r of report.scenarios) {
    const [first] = Object.entries(r.ratios);
    const bad = r.runs.reduce((n, run) => n + run.non2xx + run.errors, 0);
    if (bad > 0) {
      const statuses = r.runs.map((run) => JSON.stringify(run.statuses)).join(', ');
      footnotes.push(`! ${r.id}: ${bad} non-2xx responses or errors (statuses per run: ${statuses})`);
    }
    const drains = r.runs.map((run) => run.drainMs);
    const slow = drains.some((ms) => ms > 1_000);
    if (slow) {
      footnotes.push(
        `! ${r.id}: after the runs the server needed ${drains.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s ` +
          'to answer /health again (requests slower than the run are not counted)',
      );
    }
    out.push(
      line([
        `${r.label}${bad > 0 || slow ? ' !' : ''}`,
        num(r.reqPerSec),
        num(r.p50Ms, 2),
        num(r.p99Ms, 2),
        first ? `${num(first[1], 2)}× ${first[0]}` : '',
        r.target ?? '',
        r.pass === null ? '' : verdictText(r.pass, r.detail ?? ''),
      ]),
    );
  }
  for (const skip of report.skipped) {
    out.push(line([skip.label, '', '', '', '', '', `SKIPPED: ${skip.reason}`]));
  }
  const cold = report.coldStart;
  out.push(line(['cold start → /health 200', '', '', '', '', cold.target, verdictText(cold.pass, `${num(cold.medianMs)} ms (runs: ${cold.runsMs.map((v) => num(v)).join(', ')})`)]));
  const rss = report.peakRss;
  out.push(
    line([
      'peak RSS under load (VmHWM)',
      '',
      '',
      '',
      '',
      rss.target,
      verdictText(rss.pass, rss.localdeskMb === null ? 'n/a (no /proc)' : `${num(rss.localdeskMb)} MB`),
    ]),
  );
  out.push('', ...footnotes, ...report.notes.map((n) => `note: ${n}`));
  return `${out.join('\n').trimEnd()}\n`;
}
