import { importActive, importKinds, importOutcomes } from '../../../common/rules/imports.ts';
import type { ImportJob } from '../api/types.ts';
import { useNow } from '../components/clock.ts';
import { timeAgo } from '../components/format.ts';
import { sourceLabels } from './imports.ts';

const waitWords = { 'retry-after': 'the product asked to wait (rate limit)', quota: 'the API quota is spent for now', 'server-error': 'the product is failing; retrying', network: 'the network is failing; retrying' } as const;

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function origin(job: ImportJob): string {
  return job.options.fileName ?? job.options.url ?? '';
}

/** One import: where it stands (a progress bar while it runs), its counts and its refusals. */
export function ImportJobCard({ job, onCancel, cancelling }: { job: ImportJob; onCancel: () => void; cancelling: boolean }) {
  const now = useNow();
  const active = importActive(job.status);
  const { ticketsDone, ticketsEstimated, ticketsPerSecond, etaSeconds, waiting, phase } = job.progress;
  const percent = ticketsEstimated ? Math.min(100, Math.round((ticketsDone / ticketsEstimated) * 100)) : null;
  const label = `${sourceLabels[job.source]} import ${job.dryRun ? '(dry run) ' : ''}${job.status}`;
  return (
    <li className={`im-job ${job.status}`} aria-label={label}>
      <div className="im-job-head">
        <div>
          <strong>{sourceLabels[job.source]}</strong> <span className="muted ui-mono small">{origin(job)}</span>
          <div className="muted small">
            {job.dryRun ? 'Dry run · ' : ''}
            {job.origin === 'cli' ? 'from the command line · ' : ''}
            started {timeAgo(job.startedAt ?? job.createdAt, now)}
          </div>
        </div>
        <span className={`ui-chip im-status ${job.status}`}>{job.dryRun && job.status === 'succeeded' ? 'dry run done' : job.status}</span>
        {active ? (
          <button type="button" className="ui-btn-small" disabled={cancelling} onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      {active ? (
        <div className="im-progress">
          <div
            className={`im-bar${percent === null ? ' indeterminate' : ''}`}
            role="progressbar"
            aria-label="Tickets imported"
            aria-valuemin={0}
            aria-valuemax={ticketsEstimated ?? undefined}
            aria-valuenow={percent === null ? undefined : ticketsDone}
          >
            <span style={{ width: `${percent ?? 100}%` }} />
          </div>
          <p className="small">
            {phase && phase !== 'tickets' && ticketsDone === 0 ? `Reading ${phase}… ` : null}
            {ticketsEstimated ? `${ticketsDone.toLocaleString()} of ${ticketsEstimated.toLocaleString()} tickets` : `${ticketsDone.toLocaleString()} tickets`}
            {ticketsPerSecond ? ` · ${ticketsPerSecond}/s` : ''}
            {etaSeconds !== null ? ` · about ${duration(etaSeconds)} left` : ''}
          </p>
          {waiting ? <p className="small im-waiting">Waiting until {new Date(waiting.until).toLocaleTimeString()}: {waitWords[waiting.reason]}.</p> : null}
        </div>
      ) : null}
      {job.failure ? (
        <p className="im-failure small" role="alert">
          {job.failure.message}
        </p>
      ) : null}
      <details open={!active}>
        <summary className="small">
          {job.dryRun ? 'What the import would do' : 'What it did'}
          {job.errorCount > 0 ? ` · ${job.errorCount} refused` : ''}
        </summary>
        <table className="im-counts">
          <thead>
            <tr>
              <th scope="col">
                <span className="ui-sr-only">Kind</span>
              </th>
              {importOutcomes.map((o) => (
                <th key={o} scope="col">
                  {o}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {importKinds.map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                {importOutcomes.map((o) => (
                  <td key={o} className={job.counts[k][o] === 0 ? 'zero' : undefined}>
                    {job.counts[k][o].toLocaleString()}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {Object.keys(job.skippedReasons).length > 0 ? (
          <ul className="im-reasons small muted">
            {Object.entries(job.skippedReasons).map(([reason, n]) => (
              <li key={reason}>
                {n.toLocaleString()} skipped: {reason}
              </li>
            ))}
          </ul>
        ) : null}
        {job.errors.length > 0 ? (
          <ul className="im-refusals small" aria-label="Refused records">
            {job.errors.slice(0, 20).map((e, i) => (
              <li key={`${e.kind}-${e.externalId ?? i}-${i}`}>
                <span className="ui-mono">
                  {e.kind} {e.externalId ?? '?'}
                </span>
                : {e.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </details>
    </li>
  );
}
