// The results: one fixed-width table per data set size for the terminal, then every target line
// of issue 19 with PASS/FAIL, and a JSON file to commit holding every figure the tables print.
import type { RunResult } from './measure.ts';
import type { Scenario, Summary, Verdict } from './scenarios.ts';

export interface TargetVerdict extends Verdict {
  id: string;
  text: string;
}

export interface ScenarioReport {
  id: string;
  label: string;
  server: string;
  request: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratios: Record<string, number>;
  targets: TargetVerdict[];
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

export interface SizeReport {
  tickets: number;
  messagesPerTicket: number;
  messages: number;
  megabytes: number;
  /** How long the seed took (this run or the earlier one that built it) and its rows/s. */
  seed: { seconds: number | null; builtThisRun: boolean; rowsPerSecond: number | null };
  copySeconds: number;
  /** 1-minute load average before and after this size's load. */
  loadAverage: { start: number; end: number };
  scenarios: ScenarioReport[];
  skipped: { id: string; label: string; request: string; reason: string }[];
  /** Timed starts after a first, untimed one (firstStartMs: migrations, admin key). */
  coldStart: { medianMs: number; runsMs: number[]; firstStartMs: number; target: string; pass: boolean };
  peakRss: { localdeskMb: number | null; rawReferenceMb: number | null; koaReferenceMb: number | null; target: string; pass: boolean | null };
}

/** One target line of the issue, judged at one size (null: across sizes). */
export interface TargetLine {
  id: string;
  size: number | null;
  text: string;
  /** The measured figure, with the ratio it was judged by. */
  measured: string;
  /** null: could not be judged in this run (the reason is in `measured`). */
  pass: boolean | null;
}

export interface Report {
  schema: 2;
  startedAt: string;
  finishedAt: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
  /** 1-minute load average before and after the whole run (on an idle machine, ~0 before). */
  loadAverage: { start: number; end: number };
  settings: {
    sizes: number[];
    messagesPerTicket: number;
    runs: number;
    seconds: number;
    connections: number;
    warmupSeconds: number;
    /** LOCALDESK_READ_WORKERS given to the server (null: its default). */
    readWorkers: string | null;
  };
  sizes: SizeReport[];
  targets: TargetLine[];
  notes: string[];
}

const round = (n: number, digits: number) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export function requestOf(s: Scenario): string {
  return `${s.method} ${s.pattern ?? s.paths[0] ?? ''}`;
}

export function scenarioReport(
  s: Scenario,
  summary: Summary,
  targets: TargetVerdict[],
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
    targets,
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

export const sizeName = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1_000 && n % 1_000 === 0 ? `${n / 1_000}k` : String(n);

function formatSize(d: SizeReport): string[] {
  const seed =
    d.seed.seconds === null
      ? 'seed time unknown'
      : `seed ${d.seed.builtThisRun ? 'built now' : 'built earlier'} in ${num(d.seed.seconds)} s (${num(d.seed.rowsPerSecond ?? Number.NaN)} rows/s)`;
  const out = [
    `── ${num(d.tickets)} tickets × ${d.messagesPerTicket} messages (${num(d.messages)} messages, ${num(d.megabytes)} MB)` +
      ` · ${seed} · copied in ${d.copySeconds} s · load average ${d.loadAverage.start} before, ${d.loadAverage.end} after`,
    '',
    line(columns.map((c) => c.title)),
    line(columns.map((c) => '-'.repeat(Math.max(c.width, c.title.length)))),
  ];
  const footnotes: string[] = [];
  for (const r of d.scenarios) {
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
    const targets = r.targets.length ? r.targets : [null];
    targets.forEach((t, i) => {
      out.push(
        line([
          i === 0 ? `${r.label}${bad > 0 || slow ? ' !' : ''}` : '',
          i === 0 ? num(r.reqPerSec) : '',
          i === 0 ? num(r.p50Ms, 2) : '',
          i === 0 ? num(r.p99Ms, 2) : '',
          i === 0 && first ? `${num(first[1], 2)}× ${first[0]}` : '',
          t?.text ?? '',
          t ? verdictText(t.pass, t.detail) : '',
        ]),
      );
    });
  }
  for (const skip of d.skipped) {
    out.push(line([skip.label, '', '', '', '', '', `SKIPPED: ${skip.reason}`]));
  }
  const cold = d.coldStart;
  out.push(line(['cold start → /health 200', '', '', '', '', cold.target, verdictText(cold.pass, `${num(cold.medianMs)} ms (runs: ${cold.runsMs.map((v) => num(v)).join(', ')}; first start ${num(cold.firstStartMs)} ms)`)]));
  const rss = d.peakRss;
  out.push(
    line([
      'peak RSS under load (VmHWM)',
      '',
      '',
      '',
      '',
      rss.target,
      verdictText(rss.pass, rss.localdeskMb === null ? 'n/a (no /proc)' : `${num(rss.localdeskMb)} MB (raw reference ${rss.rawReferenceMb ?? 'n/a'} MB)`),
    ]),
  );
  return [...out, ...footnotes, ''];
}

export function formatTable(report: Report): string {
  const m = report.machine;
  const s = report.settings;
  const out = [
    `LocalDesk benchmark ${report.startedAt}`,
    `sizes: ${s.sizes.map(sizeName).join(', ')} tickets × ${s.messagesPerTicket} messages` +
      ` · ${s.runs} run(s) × ${s.seconds} s · ${s.connections} connections · medians of the runs` +
      ` · LOCALDESK_READ_WORKERS=${s.readWorkers ?? '(default)'}`,
    `machine: ${m.cpu} · ${m.cores} cores · ${m.memoryGb} GB · Node ${m.node} · ${m.platform}` +
      ` · load average ${report.loadAverage.start} before, ${report.loadAverage.end} after`,
    '',
  ];
  for (const size of report.sizes) out.push(...formatSize(size));
  out.push('Targets (issue 19), judged in this run', '');
  const width = Math.max(...report.targets.map((t) => t.text.length + (t.size === null ? 0 : sizeName(t.size).length + 3)), 10);
  for (const t of report.targets) {
    const name = t.size === null ? t.text : `${sizeName(t.size)} · ${t.text}`;
    out.push(`${(t.pass === null ? '—   ' : t.pass ? 'PASS' : 'FAIL')}  ${name.padEnd(width)}  ${t.measured}`);
  }
  const passed = report.targets.filter((t) => t.pass === true).length;
  const failed = report.targets.filter((t) => t.pass === false).length;
  out.push('', `${passed} passed, ${failed} failed, ${report.targets.length - passed - failed} not judged`);
  out.push('', ...report.notes.map((n) => `note: ${n}`));
  return `${out.join('\n').trimEnd()}\n`;
}
