import { Fragment, useState } from 'react';
import { useDeliveries } from '../api/queries/webhooks.ts';
import type { Webhook, WebhookDelivery } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';
import { formatFull, timeAgo } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { useNow } from '../components/clock.ts';

/** A webhook's recent deliveries, each expandable into its attempts (status, error, timing). */
export function DeliveriesDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const now = useNow();
  const deliveries = useDeliveries(webhook.id);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Dialog title="Deliveries" description={<span className="ui-mono">{webhook.url}</span>} size="large" onClose={onClose}>
      {deliveries.isPending ? (
        <SkeletonRows rows={4} />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.length === 0 ? (
        <EmptyState icon="webhook" title="Nothing delivered yet">
          Deliveries appear here when a matching event happens.
        </EmptyState>
      ) : (
        <table className="grid st-deliveries">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((d) => (
              <Fragment key={d.id}>
                <tr>
                  <td>
                    <button type="button" className="link st-expand" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                      <Icon name="chevronDown" size={14} className={open === d.id ? 'st-turned' : undefined} />
                      <code className="ui-mono">{d.eventType}</code>
                    </button>
                  </td>
                  <td>
                    <DeliveryStatus delivery={d} />
                  </td>
                  <td>{d.attempts.length}</td>
                  <td className="muted" title={formatFull(d.createdAt)}>
                    {timeAgo(d.createdAt, now)}
                  </td>
                </tr>
                {open === d.id ? (
                  <tr className="st-attempts-row">
                    <td colSpan={4}>
                      <ol className="st-attempts">
                        {d.attempts.map((a) => (
                          <li key={a.attempt}>
                            <span className={a.statusCode !== null && a.statusCode < 300 ? 'st-attempt-ok' : 'st-attempt-bad'}>
                              {a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? 'No response')}
                            </span>
                            <span className="muted">
                              attempt {a.attempt} · {a.durationMs} ms · {formatFull(a.createdAt)}
                            </span>
                          </li>
                        ))}
                      </ol>
                      {d.nextAttemptAt ? <p className="muted small st-next-attempt">Next attempt {formatFull(d.nextAttemptAt)}</p> : null}
                      {d.attempts.length === 0 && !d.nextAttemptAt ? <p className="muted small st-next-attempt">No attempts yet.</p> : null}
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}

function DeliveryStatus({ delivery }: { delivery: WebhookDelivery }) {
  const label = { pending: 'Pending', succeeded: 'Delivered', failed: 'Failed' }[delivery.status];
  return <span className={`badge st-delivery-${delivery.status}`}>{label}</span>;
}
