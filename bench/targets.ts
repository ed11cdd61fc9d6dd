// Every target line of issue 19 with its measured figure and PASS/FAIL, from the sizes measured
// in one run: the scenarios' own targets (ratios to the raw reference of the same size), the
// scale rule across sizes (1M p50 within 1.3× of the 100k p50), cold start, peak memory, and
// the seed's throughput (reported, not judged).
import type { SizeReport, TargetLine } from './report.ts';
import { sizeName } from './report.ts';
import { fmt, scaleFrom, scaleTargetFactor, scaleTo } from './scenarios.ts';

function scaleLines(sizes: readonly SizeReport[]): TargetLine[] {
  const from = sizes.find((s) => s.tickets === scaleFrom);
  const to = sizes.find((s) => s.tickets === scaleTo);
  const text = (label: string) => `${sizeName(scaleTo)} p50 ≤${fmt(scaleTargetFactor, 1)}× ${sizeName(scaleFrom)} p50: ${label}`;
  if (!from || !to) {
    const missing = [from ? null : scaleFrom, to ? null : scaleTo].filter((n) => n !== null).join(' and ');
    return [{ id: 'scale', size: null, text: text('every read'), measured: `not judged: BENCH_SIZES has no ${missing}`, pass: null }];
  }
  return to.scenarios
    .filter((r) => r.server === 'localdesk' && r.request.startsWith('GET ') && r.id !== 'health')
    .map((r) => {
      const before = from.scenarios.find((b) => b.id === r.id);
      const ratio = before ? r.p50Ms / before.p50Ms : Number.NaN;
      return {
        id: `scale-${r.id}`,
        size: null,
        text: text(r.label),
        measured: before
          ? `p50 ${fmt(r.p50Ms, 2)} ms vs ${fmt(before.p50Ms, 2)} ms = ${fmt(ratio, 2)}×`
          : `not judged: not measured at ${sizeName(scaleFrom)}`,
        pass: before ? ratio <= scaleTargetFactor : null,
      };
    });
}

export function targetLines(sizes: readonly SizeReport[]): TargetLine[] {
  const lines: TargetLine[] = [];
  for (const size of sizes) {
    const seconds = size.seed.seconds;
    lines.push({
      id: 'seed',
      size: size.tickets,
      text: 'seed build time and throughput (reported)',
      measured:
        seconds === null
          ? 'built by an older bench: time unknown'
          : `${fmt(seconds)} s, ${fmt(size.seed.rowsPerSecond ?? Number.NaN)} ticket+message rows/s${size.seed.builtThisRun ? '' : ' (built earlier, reused)'}`,
      pass: null,
    });
  }
  lines.push(...scaleLines(sizes));
  // The scenarios' targets, grouped by target so each reads across the sizes.
  const byTarget = new Map<string, TargetLine[]>();
  for (const size of sizes) {
    for (const r of size.scenarios) {
      for (const t of r.targets) {
        const group = byTarget.get(t.id) ?? [];
        group.push({ id: t.id, size: size.tickets, text: `${r.label}: ${t.text}`, measured: t.detail, pass: t.pass });
        byTarget.set(t.id, group);
      }
    }
  }
  for (const group of byTarget.values()) lines.push(...group);
  for (const size of sizes) {
    lines.push({
      id: 'cold-start',
      size: size.tickets,
      text: `cold start ${size.coldStart.target}`,
      measured: `${fmt(size.coldStart.medianMs)} ms`,
      pass: size.coldStart.pass,
    });
  }
  for (const size of sizes) {
    lines.push({
      id: 'peak-rss',
      size: size.tickets,
      text: `peak RSS ${size.peakRss.target}`,
      measured: size.peakRss.localdeskMb === null ? 'n/a (no /proc)' : `${fmt(size.peakRss.localdeskMb)} MB`,
      pass: size.peakRss.pass,
    });
  }
  return lines;
}
