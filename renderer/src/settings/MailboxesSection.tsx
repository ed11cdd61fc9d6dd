import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { type Optional, patchById } from '../api/collection.ts';
import { useMailboxes } from '../api/queries/mailboxes.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Mailbox, MailboxTestResult } from '../api/types.ts';
import { usePermissions } from '../app/permissions.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import { useNow } from '../components/clock.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { formatFull, plural, timeAgo } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { MailboxDialog } from './MailboxDialog.tsx';
import { QuarantineDialog } from './QuarantineDialog.tsx';
import { SectionHeader, Switch, useNotice } from './Section.tsx';
import './settings-mail.css';

/** How a mailbox's fetching goes, in a few words. */
function FetchState({ mailbox, now }: { mailbox: Mailbox; now: number }) {
  const { fetch } = mailbox;
  if (!mailbox.active) return <span className="muted small">Paused: neither fetching nor sending</span>;
  if (fetch.error) {
    return (
      <span className="st-mail-state bad small" title={fetch.errorAt ? formatFull(fetch.errorAt) : undefined}>
        <Icon name="warning" size={13} /> {fetch.error}
      </span>
    );
  }
  if (!fetch.checkedAt) return <span className="muted small">Connecting…</span>;
  return (
    <span className="st-mail-state ok small" title={formatFull(fetch.checkedAt)}>
      <Icon name="check" size={13} /> Checked {timeAgo(fetch.checkedAt, now)}
      {fetch.importedAt ? ` · last mail ${timeAgo(fetch.importedAt, now)}` : ''}
    </span>
  );
}

function TestOutcome({ result }: { result: MailboxTestResult }) {
  const line = (label: string, r: MailboxTestResult['imap']) => (
    <li className={r.ok ? 'ok' : 'bad'}>
      <Icon name={r.ok ? 'check' : 'x'} size={13} /> <strong>{label}</strong>{' '}
      {r.ok ? `works (${r.durationMs} ms)` : r.error}
    </li>
  );
  return (
    <ul className="st-mail-test" aria-label="Connection test">
      {line('Fetching (IMAP)', result.imap)}
      {line('Sending (SMTP)', result.smtp)}
    </ul>
  );
}

/** Mailboxes: mail in (IMAP) and replies out (SMTP), their state, and mail kept aside. */
export function MailboxesSection() {
  const { can, why } = usePermissions();
  const isAdmin = can('admin');
  const now = useNow();
  const mailboxes = useMailboxes({ enabled: isAdmin });
  const { api, queryClient } = useTeamApi();
  const notice = useNotice();
  const [editing, setEditing] = useState<Mailbox | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Mailbox | null>(null);
  const [quarantine, setQuarantine] = useState<Mailbox | null>(null);
  const [tests, setTests] = useState<Record<string, MailboxTestResult>>({});

  const setCached = (change: (items: Mailbox[]) => Mailbox[]) =>
    queryClient.setQueryData<Optional<Mailbox>>(queryKeys.mailboxes, (old) => (old ? { ...old, items: change(old.items) } : old));

  const toggle = useMutation({
    mutationFn: async ({ id, active }: { id: string; active: boolean }) => (await api.patch<Mailbox>(`/mailboxes/${id}`, { active })).data,
    onMutate: ({ id, active }) => setCached(patchById<Mailbox>(id, { active })),
    onError: (err) => notice.report(err),
    onSuccess: (box) => toast(box.active ? 'Mailbox resumed' : 'Mailbox paused', 'success'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes }),
  });
  const test = useMutation({
    mutationFn: async (box: Mailbox) => (await api.post<MailboxTestResult>(`/mailboxes/${box.id}/test`)).data,
    onSuccess: (result, box) => setTests((t) => ({ ...t, [box.id]: result })),
    onError: (err) => notice.report(err),
  });
  const remove = useMutation({
    mutationFn: async (box: Mailbox) => api.delete(`/mailboxes/${box.id}`),
    onError: (err) => notice.report(err),
    onSuccess: () => toast('Mailbox disconnected', 'success'),
    onSettled: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
    },
  });

  const unavailable = mailboxes.data?.unavailable === true;
  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Mailboxes"
        description="Mail to these addresses becomes tickets, and agents' replies go back by e-mail. Without a mailbox, nothing is fetched or sent."
        action={
          unavailable ? null : (
            <button type="button" className="primary" disabled={!isAdmin} title={isAdmin ? undefined : why('admin')} onClick={() => setEditing('new')}>
              <Icon name="plus" /> Connect a mailbox
            </button>
          )
        }
      />
      {notice.banner}
      <div className="card st-card">
        {!isAdmin ? (
          <EmptyState icon="shield" title="Mailboxes are for administrators">
            {why('admin')}
          </EmptyState>
        ) : mailboxes.isPending ? (
          <SkeletonRows rows={2} />
        ) : mailboxes.isError ? (
          <ErrorState error={mailboxes.error} onRetry={() => void mailboxes.refetch()} />
        ) : unavailable ? (
          <EmptyState icon="mail" title="E-mail is not available on this server">
            This LocalDesk server cannot fetch or send mail yet. Update it to connect a mailbox.
          </EmptyState>
        ) : mailboxes.data.items.length === 0 ? (
          <EmptyState icon="mail" title="No mailbox yet" action={<button type="button" onClick={() => setEditing('new')}>Connect a mailbox</button>}>
            Connect support@ (IMAP and SMTP; for Gmail, an app password) to turn mail into tickets.
          </EmptyState>
        ) : (
          <ul className="st-webhook-list st-mailbox-list">
            {mailboxes.data.items.map((box) => (
              <li key={box.id} className={box.active ? undefined : 'paused'}>
                <Switch label={box.active ? `Pause ${box.address}` : `Resume ${box.address}`} checked={box.active} onChange={(active) => toggle.mutate({ id: box.id, active })} />
                <div className="st-webhook-main">
                  <span className="st-mail-title">
                    <strong>{box.name}</strong> <code className="ui-mono">{box.address}</code>
                  </span>
                  <span className="muted small ui-mono">
                    IMAP {box.imap.host}:{box.imap.port} · SMTP {box.smtp.host}:{box.smtp.port}
                  </span>
                  <FetchState mailbox={box} now={now} />
                  {box.fetch.quarantined > 0 ? (
                    <button type="button" className="link st-mail-kept small" onClick={() => setQuarantine(box)}>
                      <Icon name="warning" size={13} /> {plural(box.fetch.quarantined, 'message')} kept aside: see why
                    </button>
                  ) : null}
                  {tests[box.id] ? <TestOutcome result={tests[box.id] as MailboxTestResult} /> : null}
                </div>
                <div className="st-webhook-actions">
                  <button type="button" className="ui-btn-small" disabled={test.isPending && test.variables?.id === box.id} onClick={() => test.mutate(box)}>
                    {test.isPending && test.variables?.id === box.id ? 'Testing…' : 'Test'}
                  </button>
                  <button type="button" className="ui-btn-small" onClick={() => setQuarantine(box)}>
                    Kept aside
                  </button>
                  <button type="button" className="ui-ghost ui-btn-small" aria-label={`Edit ${box.address}`} onClick={() => setEditing(box)}>
                    <Icon name="edit" size={14} />
                  </button>
                  <button type="button" className="ui-ghost ui-btn-small danger" aria-label={`Disconnect ${box.address}`} onClick={() => setDeleting(box)}>
                    <Icon name="trash" size={14} />
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
      {editing ? (
        <MailboxDialog
          mailbox={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            toast(editing === 'new' ? `${saved.address} connected: fetching starts now` : 'Mailbox saved', 'success');
            test.mutate(saved);
          }}
        />
      ) : null}
      {quarantine ? <QuarantineDialog mailbox={quarantine} onClose={() => setQuarantine(null)} /> : null}
      {deleting ? (
        <ConfirmDialog title="Disconnect this mailbox?" confirmLabel="Disconnect" busy={remove.isPending} onCancel={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting)}>
          <p>
            <code className="ui-mono">{deleting.address}</code> stops being fetched, and replies still waiting to go out through it fail. Tickets
            and their messages stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
