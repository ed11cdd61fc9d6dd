import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import type { Workflow } from '../api/types.ts';
import { saveWorkflow, useWorkflows } from '../api/queries/workflows.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import { usePermissions } from '../app/permissions.ts';
import { useNow } from '../components/clock.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { timeAgo } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { SectionHeader, Switch, useNotice } from './Section.tsx';
import { WorkflowDialog } from './WorkflowDialog.tsx';
import { actionLabels, formatValue, opLabels } from './workflowForm.ts';

/** Workflows: automatic ticket changes when an event happens, with how often each has run. */
export function WorkflowsSection() {
  const { can, why } = usePermissions();
  const admin = can('admin');
  const workflows = useWorkflows(admin);
  const { api, queryClient } = useTeamApi();
  const now = useNow();
  const [editing, setEditing] = useState<Workflow | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Workflow | null>(null);
  const notice = useNotice();

  const toggle = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) => saveWorkflow(api, id, { active }),
    onMutate: async ({ id, active }) => ({ rollback: await optimisticList<Workflow>(queryClient, queryKeys.workflows, patchById<Workflow>(id, { active })) }),
    onError: (err, _vars, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (w) => toast(w.active ? `“${w.name}” is on` : `“${w.name}” is paused`, 'success'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.workflows }),
  });
  const remove = useMutation({
    mutationFn: async (w: Workflow) => api.delete(`/workflows/${w.id}`),
    onMutate: async (w) => ({ rollback: await optimisticList<Workflow>(queryClient, queryKeys.workflows, (items) => items.filter((x) => x.id !== w.id)) }),
    onError: (err, _w, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (_data, w) => toast(`Deleted “${w.name}”`, 'success'),
    onSettled: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.workflows });
    },
  });

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Workflows"
        description="Automatic changes: when an event happens (a ticket created, a reply…) and every condition holds, the actions change the ticket."
        action={
          <button type="button" className="primary" disabled={!admin} title={admin ? undefined : why('admin')} onClick={() => setEditing('new')}>
            <Icon name="plus" /> New workflow
          </button>
        }
      />
      {notice.banner}
      <div className="card st-card">
        {!admin ? (
          <EmptyState icon="shield" title="Only admins manage workflows">
            {why('admin')}
          </EmptyState>
        ) : workflows.isPending ? (
          <SkeletonRows rows={3} />
        ) : workflows.isError ? (
          <ErrorState error={workflows.error} onRetry={() => void workflows.refetch()} />
        ) : workflows.data.length === 0 ? (
          <EmptyState icon="zap" title="No workflows yet" action={<button type="button" onClick={() => setEditing('new')}>Create one</button>}>
            For example: tag urgent tickets and assign them to the on-call agent.
          </EmptyState>
        ) : (
          <table className="grid st-table">
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Runs</th>
                <th scope="col">On</th>
                <th scope="col">
                  <span className="ui-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {workflows.data.map((w) => (
                <tr key={w.id} className={w.active ? undefined : 'revoked'}>
                  <td>
                    <strong>{w.name}</strong>
                    <div className="muted small">
                      When <code className="ui-mono">{w.trigger}</code>
                      {w.conditions.map((c, i) => (
                        <span key={i}>
                          {i === 0 ? ' if ' : ' and '}
                          <code className="ui-mono">{c.field}</code> {opLabels[c.op]} {formatValue(c.value)}
                        </span>
                      ))}
                      {' → '}
                      {w.actions.map((a) => `${actionLabels[a.type].toLowerCase()} ${a.value === null ? '(none)' : String(a.value)}`).join(', ')}
                    </div>
                  </td>
                  <td className="muted">
                    {w.runCount.toLocaleString('en-US')}
                    {w.lastRunAt ? <span className="small"> · last {timeAgo(w.lastRunAt, now)}</span> : null}
                  </td>
                  <td>
                    <Switch label={w.active ? `Pause ${w.name}` : `Turn on ${w.name}`} checked={w.active} onChange={(active) => toggle.mutate({ id: w.id, active })} />
                  </td>
                  <td className="st-actions">
                    <button type="button" className="ui-ghost ui-btn-small" aria-label={`Edit ${w.name}`} onClick={() => setEditing(w)}>
                      <Icon name="edit" size={14} /> Edit
                    </button>
                    <button type="button" className="ui-ghost ui-btn-small danger" aria-label={`Delete ${w.name}`} onClick={() => setDeleting(w)}>
                      <Icon name="trash" size={14} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {editing ? <WorkflowDialog workflow={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      {deleting ? (
        <ConfirmDialog title={`Delete “${deleting.name}”?`} confirmLabel="Delete workflow" busy={remove.isPending} onCancel={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting)}>
          <p>Changes it already made stay. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
