import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { optimisticList } from '../api/collection.ts';
import { useMacros } from '../api/queries/macros.ts';
import { useUsers } from '../api/queries/users.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { Macro } from '../api/types.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { MacroDialog } from './MacroDialog.tsx';
import { SectionHeader, useNotice } from './Section.tsx';
import { usePermissions } from '../app/permissions.ts';

/** Macros: canned replies with placeholders and ticket changes. */
export function MacrosSection() {
  const { can, why } = usePermissions();
  const isAdmin = can('admin');
  const macros = useMacros();
  const users = useUsers();
  const { api, queryClient } = useTeamApi();
  const [editing, setEditing] = useState<Macro | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Macro | null>(null);
  const notice = useNotice();
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));

  const remove = useMutation({
    mutationFn: async (macro: Macro) => api.delete(`/macros/${macro.id}`),
    onMutate: async (macro) => ({ rollback: await optimisticList<Macro>(queryClient, queryKeys.macros, (items) => items.filter((m) => m.id !== macro.id)) }),
    onError: (err, _macro, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (_data, macro) => toast(`Deleted “${macro.name}”`, 'success'),
    onSettled: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.macros });
    },
  });

  function actionChips(macro: Macro): string[] {
    const { status, priority, addTags, assignTo } = macro.actions;
    return [
      status ? `Status → ${status}` : null,
      priority ? `Priority → ${priority}` : null,
      assignTo ? `Assign → ${assignTo === 'me' ? 'the agent applying it' : (names.get(assignTo) ?? assignTo)}` : null,
      ...(addTags ?? []).map((t) => `+ ${t}`),
    ].filter((c): c is string => c !== null);
  }

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Macros"
        description={
          <>
            Canned replies for the questions you answer every day. <code className="ui-mono">{'{{contact.name}}'}</code>,{' '}
            <code className="ui-mono">{'{{ticket.id}}'}</code> and <code className="ui-mono">{'{{agent.name}}'}</code> are filled in when applied.
          </>
        }
        action={
          <button type="button" className="primary" disabled={!isAdmin} title={isAdmin ? undefined : why('admin')} onClick={() => setEditing('new')}>
            <Icon name="plus" /> New macro
          </button>
        }
      />
      {notice.banner}
      {macros.isPending ? (
        <div className="card st-card">
          <SkeletonRows rows={4} />
        </div>
      ) : macros.isError ? (
        <div className="card st-card">
          <ErrorState error={macros.error} onRetry={() => void macros.refetch()} />
        </div>
      ) : macros.data.length === 0 ? (
        <div className="card st-card">
          <EmptyState icon="zap" title="No macros yet" action={<button type="button" onClick={() => setEditing('new')}>Write the first one</button>}>
            A macro answers a common question in one click, and can set status, priority, tags and the assignee at the same time.
          </EmptyState>
        </div>
      ) : (
        <ul className="st-macro-list">
          {macros.data.map((m) => (
            <li key={m.id} className="card st-macro-card">
              <div className="st-macro-card-head">
                <h3>{m.name}</h3>
                <div className="st-macro-card-actions">
                  <button type="button" className="ui-ghost ui-btn-small" onClick={() => setEditing(m)} aria-label={`Edit ${m.name}`}>
                    <Icon name="edit" size={14} /> Edit
                  </button>
                  <button type="button" className="ui-ghost ui-btn-small danger" onClick={() => setDeleting(m)} aria-label={`Delete ${m.name}`}>
                    <Icon name="trash" size={14} />
                  </button>
                </div>
              </div>
              <p className="st-macro-text">{m.body}</p>
              {actionChips(m).length > 0 ? (
                <div className="st-macro-chips">
                  {actionChips(m).map((c) => (
                    <span key={c} className="ui-chip">
                      {c}
                    </span>
                  ))}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {editing ? <MacroDialog macro={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      {deleting ? (
        <ConfirmDialog title={`Delete “${deleting.name}”?`} confirmLabel="Delete macro" busy={remove.isPending} onCancel={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting)}>
          <p>Tickets it was applied to keep their replies. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
