// How `localdesk import-from` shows a job: a progress bar redrawn in place on a terminal, plain
// lines (at most one a second) otherwise, and at the end the counts, the rate and the refusals.
import type { ImportJobT } from '../../common/contract/imports.ts';
import { importKinds, importOutcomes } from '../../common/contract/imports.ts';

const waitWords = { 'retry-after': 'rate limited', quota: 'out of API quota', 'server-error': 'server errors, retrying', network: 'network errors, retrying' } as const;

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}

/** One line about where the job is. */
export function progressLine(job: ImportJobT): string {
  const p = job.progress;
  const parts: string[] = [];
  if (p.ticketsEstimated && p.ticketsEstimated > 0) {
    parts.push(`${p.ticketsDone}/${p.ticketsEstimated} tickets (${Math.min(100, Math.floor((p.ticketsDone / p.ticketsEstimated) * 100))}%)`);
  } else {
    parts.push(p.phase && p.phase !== 'tickets' && p.ticketsDone === 0 ? `reading ${p.phase}` : `${p.ticketsDone} tickets`);
  }
  if (p.ticketsPerSecond) parts.push(`${p.ticketsPerSecond} tickets/s`);
  if (p.etaSeconds !== null) parts.push(`ETA ${duration(p.etaSeconds)}`);
  if (p.waiting) parts.push(`waiting until ${p.waiting.until.slice(11, 19)}Z: ${waitWords[p.waiting.reason]}`);
  if (job.errorCount > 0) parts.push(`${job.errorCount} refused`);
  return parts.join(', ');
}

function bar(job: ImportJobT, width = 24): string {
  const { ticketsDone, ticketsEstimated } = job.progress;
  if (!ticketsEstimated) return '';
  const filled = Math.min(width, Math.round((ticketsDone / ticketsEstimated) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
}

export interface ProgressView {
  update(job: ImportJobT): void;
  done(): void;
}

export function progressView(out: NodeJS.WriteStream): ProgressView {
  const tty = out.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(job) {
      const now = Date.now();
      if (tty) {
        out.write(`\r\x1b[2K${bar(job)}${progressLine(job)}`);
        drawn = true;
      } else if (now - last >= 1000) {
        last = now;
        out.write(`${progressLine(job)}\n`);
      }
    },
    done() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

/** The counts table, the rate, why things were skipped and the first refusals. */
export function summary(job: ImportJobT, seconds: number): string {
  const head = `${''.padEnd(12)}${importOutcomes.map((o) => o.padStart(9)).join('')}`;
  const rows = importKinds.map((k) => `${k.padEnd(12)}${importOutcomes.map((o) => String(job.counts[k][o]).padStart(9)).join('')}`);
  const tickets = job.progress.ticketsDone;
  const lines = [
    job.dryRun ? `Dry run ${job.id}: nothing was changed. The import would do this:` : `Import ${job.id} from ${job.source}: ${job.status}`,
    head,
    ...rows,
    `${tickets} tickets in ${seconds.toFixed(1)} s: ${seconds > 0 ? Math.round(tickets / seconds) : tickets} tickets/s`,
  ];
  const reasons = Object.entries(job.skippedReasons);
  if (reasons.length > 0) lines.push('Skipped:', ...reasons.map(([reason, n]) => `  ${n} × ${reason}`));
  if (job.errorCount > 0) {
    lines.push(`Refused (${job.errorCount}${job.errorCount > job.errors.length ? `, the first ${job.errors.length} listed` : ''}):`);
    for (const e of job.errors.slice(0, 20)) lines.push(`  ${e.kind} ${e.externalId ?? '?'}: ${e.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
