import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { useQuarantine } from '../api/queries/mailboxes.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Mailbox, QuarantineRetryResult, QuarantinedMail } from '../api/types.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import { useNow } from '../components/clock.ts';
import { Dialog } from '../components/Dialog.tsx';
import { formatFull, timeAgo } from '../components/format.ts';
import { messageOf } from '../components/formErrors.ts';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';

/** A mailbox's mail kept aside because it could not be imported: each with its error, retry and dismiss. */
export function QuarantineDialog({ mailbox, onClose }: { mailbox: Mailbox; onClose: () => void }) {
  const now = useNow();
  const list = useQuarantine(mailbox.id);
  const { api, queryClient } = useTeamApi();
  const [imported, setImported] = useState<Record<string, string | null>>({});
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.quarantine(mailbox.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes, exact: true });
  };

  const retry = useMutation({
    mutationFn: async (entry: QuarantinedMail) =>
      (await api.post<QuarantineRetryResult>(`/mailboxes/${mailbox.id}/quarantine/${entry.id}/retry`)).data,
    onSuccess: (result, entry) => {
      setImported((m) => ({ ...m, [entry.id]: result.ticketId }));
      toast('Imported', 'success');
      refresh();
    },
    onError: (err) => {
      toast(messageOf(err), 'error');
      refresh();
    },
  });
  const dismiss = useMutation({
    mutationFn: async (entry: QuarantinedMail) => api.delete(`/mailboxes/${mailbox.id}/quarantine/${entry.id}`),
    onSuccess: () => toast('Dismissed', 'success'),
    onError: (err) => toast(messageOf(err), 'error'),
    onSettled: refresh,
  });

  const done = Object.entries(imported);
  return (
    <Dialog title="Mail kept aside" description={`${mailbox.address}: messages that could not be imported. Fetching carried on past them.`} size="large" onClose={onClose}>
      {done.length > 0 ? (
        <p className="st-mail-imported" role="status">
          {done.map(([id, ticketId]) =>
            ticketId ? (
              <Link key={id} href={`/tickets/${ticketId}`} onClick={onClose}>
                Open the imported ticket
              </Link>
            ) : (
              <span key={id}>Imported (an automatic message: no ticket).</span>
            ),
          )}
        </p>
      ) : null}
      {list.isPending ? (
        <SkeletonRows rows={3} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState icon="check" title="Nothing kept aside">
          Every fetched message was imported.
        </EmptyState>
      ) : (
        <ul className="st-quarantine">
          {list.data.map((q) => (
            <li key={q.id}>
              <div className="st-quarantine-main">
                <strong>{q.subject || '(no subject)'}</strong>
                <span className="muted small">
                  {q.from ?? 'unknown sender'} · {Math.max(1, Math.round(q.size / 1024))} KB ·{' '}
                  <span title={formatFull(q.createdAt)}>{timeAgo(q.createdAt, now)}</span>
                  {q.attempts > 1 ? ` · tried ${q.attempts} times` : ''}
                </span>
                <span className="st-quarantine-error">{q.error}</span>
              </div>
              <div className="st-webhook-actions">
                <button
                  type="button"
                  className="ui-btn-small"
                  disabled={!q.retryable || retry.isPending}
                  title={q.retryable ? 'Import it again' : 'Too large to keep: it cannot be retried'}
                  onClick={() => retry.mutate(q)}
                >
                  Retry
                </button>
                <button type="button" className="ui-ghost ui-btn-small" disabled={dismiss.isPending} onClick={() => dismiss.mutate(q)}>
                  Dismiss
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
