import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Workflow, WorkflowAction } from '../api/types.ts';
import { useMacros } from '../api/queries/macros.ts';
import { useProjects } from '../api/queries/projects.ts';
import { useUsers } from '../api/queries/users.ts';
import { saveWorkflow } from '../api/queries/workflows.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useSession } from '../app/context.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { toast } from '../components/toast.tsx';
import { priorities, statuses } from '../inbox/views.ts';
import { type ActionRow, type ConditionRow, type WorkflowForm, actionLabels, emptyForm, fieldSuggestions, fromWorkflow, opLabels, toBody, triggers } from './workflowForm.ts';

/** Create or edit a workflow: its trigger, the conditions that must all hold, and its actions. */
export function WorkflowDialog({ workflow, onClose }: { workflow: Workflow | null; onClose: () => void }) {
  const { api } = useSession();
  const qc = useQueryClient();
  const [form, setForm] = useState<WorkflowForm>(workflow ? fromWorkflow(workflow) : emptyForm);
  const save = useMutation({
    mutationFn: () => saveWorkflow(api, workflow?.id ?? null, toBody(form)),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: queryKeys.workflows });
      toast(workflow ? `Saved “${saved.name}”` : `Created “${saved.name}”`, 'success');
      onClose();
    },
  });
  const fields = [
    'name',
    'trigger',
    'conditions',
    'actions',
    ...form.conditions.map((_, i) => `conditions.${i}`),
    ...form.actions.map((_, i) => `actions.${i}`),
  ];
  const errors = save.error ? formErrorsOf(save.error, fields) : null;
  const err = (name: string) => (errors?.fields as Record<string, string | undefined> | undefined)?.[name];
  const setCondition = (i: number, patch: Partial<ConditionRow>) => setForm((f) => ({ ...f, conditions: f.conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));
  const setAction = (i: number, patch: Partial<ActionRow>) => setForm((f) => ({ ...f, actions: f.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) }));
  const custom = !(triggers as readonly string[]).includes(form.trigger);

  return (
    <FormDialog
      title={workflow ? `Edit “${workflow.name}”` : 'New workflow'}
      description="When an event happens and every condition holds, the actions change the event’s ticket."
      size="large"
      onClose={onClose}
      submitLabel={workflow ? 'Save workflow' : 'Create workflow'}
      pendingLabel="Saving…"
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <Field id="wf-name" label="Name" error={err('name')}>
        <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" placeholder="e.g. Urgent tickets to Maya" />
      </Field>
      <Field id="wf-trigger" label="When" error={err('trigger')} hint={custom ? 'A custom event: custom.<name>, sent with POST /events.' : undefined}>
        <select value={custom ? 'custom' : form.trigger} onChange={(e) => setForm({ ...form, trigger: e.target.value === 'custom' ? 'custom.' : e.target.value })}>
          {triggers.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
          <option value="custom">custom.… (an integration’s event)</option>
        </select>
      </Field>
      {custom ? (
        <Field id="wf-custom" label="Custom event type" error={undefined}>
          <input className="ui-mono" value={form.trigger} onChange={(e) => setForm({ ...form, trigger: e.target.value })} autoComplete="off" />
        </Field>
      ) : null}

      <fieldset className="wf-rows">
        <legend>If all of these hold</legend>
        <datalist id="wf-fields">
          {fieldSuggestions.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {form.conditions.length === 0 ? <p className="muted small">No conditions: every event of this type runs it.</p> : null}
        {form.conditions.map((c, i) => (
          <div key={i} className="wf-row">
            <input aria-label={`Condition ${i + 1} field`} className="ui-mono" list="wf-fields" value={c.field} onChange={(e) => setCondition(i, { field: e.target.value })} />
            <select aria-label={`Condition ${i + 1} operator`} value={c.op} onChange={(e) => setCondition(i, { op: e.target.value as ConditionRow['op'] })}>
              {(Object.keys(opLabels) as ConditionRow['op'][]).map((op) => (
                <option key={op} value={op}>
                  {opLabels[op]}
                </option>
              ))}
            </select>
            <input aria-label={`Condition ${i + 1} value`} value={c.value} placeholder={c.op === 'in' ? 'urgent, high' : 'urgent'} onChange={(e) => setCondition(i, { value: e.target.value })} />
            <button type="button" className="ui-icon-button" aria-label={`Remove condition ${i + 1}`} onClick={() => setForm((f) => ({ ...f, conditions: f.conditions.filter((_, j) => j !== i) }))}>
              <Icon name="x" size={14} />
            </button>
            {err(`conditions.${i}`) ? <p className="ui-field-error wf-row-error" role="alert">{err(`conditions.${i}`)}</p> : null}
          </div>
        ))}
        <button type="button" className="ui-btn-small" onClick={() => setForm((f) => ({ ...f, conditions: [...f.conditions, { field: 'ticket.priority', op: 'eq', value: '' }] }))}>
          <Icon name="plus" size={14} /> Add condition
        </button>
        {err('conditions') ? <p className="ui-field-error" role="alert">{err('conditions')}</p> : null}
      </fieldset>

      <fieldset className="wf-rows">
        <legend>Then</legend>
        {form.actions.map((a, i) => (
          <div key={i} className="wf-row wf-action">
            <select aria-label={`Action ${i + 1}`} value={a.type} onChange={(e) => setAction(i, { type: e.target.value as ActionRow['type'], value: '' })}>
              {(Object.keys(actionLabels) as WorkflowAction['type'][]).map((t) => (
                <option key={t} value={t}>
                  {actionLabels[t]}
                </option>
              ))}
            </select>
            <ActionValue row={a} index={i} onChange={(value) => setAction(i, { value })} />
            <button type="button" className="ui-icon-button" aria-label={`Remove action ${i + 1}`} onClick={() => setForm((f) => ({ ...f, actions: f.actions.filter((_, j) => j !== i) }))}>
              <Icon name="x" size={14} />
            </button>
            {err(`actions.${i}`) ? <p className="ui-field-error wf-row-error" role="alert">{err(`actions.${i}`)}</p> : null}
          </div>
        ))}
        <button type="button" className="ui-btn-small" onClick={() => setForm((f) => ({ ...f, actions: [...f.actions, { type: 'set_priority', value: 'high' }] }))}>
          <Icon name="plus" size={14} /> Add action
        </button>
        {err('actions') ? <p className="ui-field-error" role="alert">{err('actions')}</p> : null}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} /> Active
      </label>
      <FormError message={errors?.general} />
    </FormDialog>
  );
}

/** The value control an action type needs: a status, a priority, an agent, a tag, a project or a macro. */
function ActionValue({ row, index, onChange }: { row: ActionRow; index: number; onChange: (value: string) => void }) {
  const users = (useUsers().data ?? []).filter((u) => u.active);
  const projects = (useProjects().data ?? []).filter((p) => p.active);
  const macros = useMacros().data ?? [];
  const label = `Action ${index + 1} value`;
  const options = (items: { value: string; label: string }[], empty?: string) => (
    <select aria-label={label} value={row.value} onChange={(e) => onChange(e.target.value)}>
      {empty !== undefined ? <option value="">{empty}</option> : <option value="" disabled>Choose…</option>}
      {items.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
  switch (row.type) {
    case 'set_status':
      return options(statuses.map((s) => ({ value: s, label: s })));
    case 'set_priority':
      return options(priorities.map((p) => ({ value: p, label: p })));
    case 'assign':
      return options(users.map((u) => ({ value: u.id, label: u.name })), 'Nobody (unassign)');
    case 'set_project':
      return options(projects.map((p) => ({ value: p.id, label: p.name })), 'No project');
    case 'apply_macro':
      return options(macros.map((m) => ({ value: m.id, label: m.name })));
    case 'add_tag':
      return <input aria-label={label} value={row.value} placeholder="tag name" onChange={(e) => onChange(e.target.value)} />;
  }
}
