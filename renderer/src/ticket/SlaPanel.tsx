import type { Ticket } from '../api/types.ts';
import { type SlaTarget, dueSoonMs, slaTargets } from './sla.ts';
import { formatDuration, formatFull, formatStamp } from '../components/format.ts';

/** Both SLA targets with their due times and where each stands, and the breached flag. */
export function SlaPanel({ ticket, now }: { ticket: Ticket; now: number }) {
  const targets = slaTargets(ticket, now);
  return (
    <section className="panel sla-panel" aria-label="SLA">
      <div className="panel-title">
        <h2>SLA</h2>
        {ticket.sla.breached ? (
          <span className="badge sla-breached">Breached</span>
        ) : (
          <span className="badge sla-ok">On track</span>
        )}
      </div>
      <dl className="sla-targets">
        {targets.map((t) => (
          <div key={t.name} className={`sla-target ${toneOf(t, now)}`}>
            <dt>{t.name}</dt>
            <dd>
              <span className="sla-state">{describe(t, now)}</span>
              <span className="muted small" title={formatFull(t.dueAt)}>
                Due {formatStamp(t.dueAt, now)}
              </span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function toneOf(t: SlaTarget, now: number): string {
  if (t.state === 'missed' || t.state === 'overdue') return 'breached';
  if (t.state === 'due' && Date.parse(t.dueAt) - now <= dueSoonMs) return 'soon';
  return t.state === 'met' ? 'met' : 'ok';
}

function describe(t: SlaTarget, now: number): string {
  const due = Date.parse(t.dueAt);
  switch (t.state) {
    case 'met':
      return `Met · ${formatStamp(t.doneAt ?? t.dueAt, now)}`;
    case 'missed':
      return `Missed by ${formatDuration(Date.parse(t.doneAt ?? t.dueAt) - due)}`;
    case 'overdue':
      return `Overdue by ${formatDuration(now - due)}`;
    case 'due':
      return `Due in ${formatDuration(due - now)}`;
  }
}
