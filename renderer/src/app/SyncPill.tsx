import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSyncStatus } from '../api/queries/devices.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { ReplicaSyncStatus } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { messageOf } from '../components/formErrors.ts';
import { toast } from '../components/toast.tsx';
import { useSession } from './context.tsx';
import './sync.css';

/** "Online", "Offline · 3 pending", "Syncing…". */
export function syncLabel(status: Pick<ReplicaSyncStatus, 'state' | 'pending'>): string {
  if (status.state === 'syncing') return 'Syncing…';
  if (status.state === 'offline') return status.pending > 0 ? `Offline · ${status.pending} pending` : 'Offline';
  return status.pending > 0 ? `Online · ${status.pending} pending` : 'Online';
}

/**
 * On a replica of a team's host (team sync): whether it reaches the host, what waits to be
 * pushed, and the changes the host refused, each dismissable. Shows nothing on a host, or on a
 * server without team sync (GET /sync/status answers 404 there).
 */
export function SyncPill() {
  const { data } = useSyncStatus();
  if (!data || data.role !== 'replica') return null;
  return <ReplicaPill status={data} />;
}

function ReplicaPill({ status }: { status: ReplicaSyncStatus }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const refused = status.refused;
  const dismiss = useMutation({
    mutationFn: async (id: string) => api.delete(`/sync/outbox/${encodeURIComponent(id)}`),
    onError: (err) => toast(messageOf(err), 'error'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.syncStatus }),
  });
  const label = syncLabel(status);
  // A fresh copy of the host (its backup was restored, or the copies differed) is never silent.
  const recopy = recentRecopy(status);
  const hasNews = refused.length > 0 || recopy !== null;
  return (
    <div className="sync">
      <button
        type="button"
        className={`sync-pill ${status.state}`}
        title={status.error ?? recopy ?? `Synced with ${status.host}`}
        aria-expanded={hasNews ? open : undefined}
        aria-label={refused.length > 0 ? `${label}, ${refused.length} refused` : label}
        onClick={() => setOpen((o) => !o && hasNews)}
      >
        <span className={`sync-dot ${status.state}`} aria-hidden="true" />
        {label}
        {refused.length > 0 ? (
          <span className="sync-badge" title="Changes the host refused">
            <Icon name="warning" size={12} /> {refused.length}
          </span>
        ) : null}
        {recopy ? (
          <span className="sync-badge" title={recopy}>
            <Icon name="undo" size={12} />
          </span>
        ) : null}
      </button>
      {open && hasNews ? (
        <div className="sync-panel" role="dialog" aria-label="Sync news">
          {recopy ? <p className="small">{recopy}</p> : null}
          {refused.length > 0 ? <strong>Changes the host refused</strong> : null}
          <ul>
            {refused.map((change) => (
              <li key={change.id}>
                <span className="small">
                  <code className="ui-mono">
                    {change.method} {change.path}
                  </code>{' '}
                  — {change.status}: {change.message}
                </span>
                <button type="button" className="ui-ghost ui-btn-small" disabled={dismiss.isPending} onClick={() => dismiss.mutate(change.id)}>
                  Dismiss
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The last fresh copy of the host when it had a reason and was made in the last day. */
function recentRecopy(status: ReplicaSyncStatus): string | null {
  const copy = status.lastSnapshot;
  if (!copy?.reason) return null;
  if (Date.now() - Date.parse(copy.at) > 24 * 60 * 60_000) return null;
  const time = new Date(copy.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `Copied the host afresh at ${time}: ${copy.reason}`;
}
