import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useUsers } from '../api/queries/users.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { Macro } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { toast } from '../components/toast.tsx';
import { insertAt, parseTagList, placeholders, renderPreview } from './macroText.ts';

const fields = ['name', 'body', 'actions.status', 'actions.priority', 'actions.addTags', 'actions.assignTo', 'actions'] as const;

/** Create or edit a macro: the reply text with placeholders, and what it changes on the ticket. */
export function MacroDialog({ macro, onClose }: { macro: Macro | null; onClose: () => void }) {
  const { api, queryClient } = useTeamApi();
  const { me } = useSession();
  const users = useUsers();
  const body = useRef<HTMLTextAreaElement>(null);
  const [form, setForm] = useState({
    name: macro?.name ?? '',
    body: macro?.body ?? '',
    status: macro?.actions.status ?? '',
    priority: macro?.actions.priority ?? '',
    tags: macro?.actions.addTags?.join(', ') ?? '',
    assignTo: macro?.actions.assignTo ?? '',
  });
  const save = useMutation({
    mutationFn: async () => {
      const tags = parseTagList(form.tags);
      const payload = {
        name: form.name,
        body: form.body,
        actions: {
          ...(form.status ? { status: form.status } : {}),
          ...(form.priority ? { priority: form.priority } : {}),
          ...(tags.length > 0 ? { addTags: tags } : {}),
          ...(form.assignTo ? { assignTo: form.assignTo } : {}),
        },
      };
      return macro ? (await api.patch<Macro>(`/macros/${macro.id}`, payload)).data : (await api.post<Macro>('/macros', payload)).data;
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.macros });
      toast(macro ? `Saved “${saved.name}”` : `Created “${saved.name}”`, 'success');
      onClose();
    },
  });
  const errors = save.error ? formErrorsOf(save.error, fields) : null;

  function insert(token: string) {
    const area = body.current;
    const { text, caret } = insertAt(form.body, area?.selectionStart ?? form.body.length, area?.selectionEnd ?? form.body.length, token);
    setForm({ ...form, body: text });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(caret, caret);
    });
  }

  const preview = renderPreview(form.body, { contact: 'Dana Scully', ticket: 'tkt_01JQ8…', agent: me.name });
  return (
    <FormDialog
      title={macro ? `Edit “${macro.name}”` : 'New macro'}
      description="A canned reply that can also change the ticket, applied in one step from a ticket."
      size="large"
      onClose={onClose}
      submitLabel={macro ? 'Save macro' : 'Create macro'}
      pendingLabel="Saving…"
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <Field id="macro-name" label="Name" error={errors?.fields.name}>
        <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" placeholder="e.g. Refund issued" />
      </Field>
      <div className="st-macro-body">
        <Field id="macro-body" label="Reply" error={errors?.fields.body}>
          <textarea ref={body} rows={7} value={form.body} onChange={(e) => setForm({ ...form, body: e.target.value })} placeholder="Hi {{contact.name}}, …" />
        </Field>
        <div className="st-placeholder-help" role="group" aria-label="Insert a placeholder">
          <span className="muted small">Insert:</span>
          {placeholders.map((p) => (
            <button key={p.token} type="button" className="ui-btn-small ui-mono" title={p.help} onClick={() => insert(p.token)}>
              {p.token}
            </button>
          ))}
        </div>
        {form.body.trim() ? (
          <div className="st-macro-preview" aria-label="Preview">
            <span className="muted small">Preview</span>
            <p>{preview}</p>
          </div>
        ) : null}
      </div>
      <fieldset className="st-macro-actions">
        <legend>Then change the ticket</legend>
        <Field id="macro-status" label="Status" error={errors?.fields['actions.status']}>
          <select value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as typeof form.status })}>
            <option value="">Leave as is</option>
            {(['open', 'pending', 'resolved', 'closed'] as const).map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="macro-priority" label="Priority" error={errors?.fields['actions.priority']}>
          <select value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value as typeof form.priority })}>
            <option value="">Leave as is</option>
            {(['low', 'medium', 'high', 'urgent'] as const).map((p) => (
              <option key={p} value={p}>
                {p[0]!.toUpperCase() + p.slice(1)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="macro-assign" label="Assign to" error={errors?.fields['actions.assignTo']}>
          <select value={form.assignTo} onChange={(e) => setForm({ ...form, assignTo: e.target.value })}>
            <option value="">Leave as is</option>
            <option value="me">The agent applying it</option>
            {(users.data ?? [])
              .filter((u) => u.active)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </Field>
        <Field id="macro-tags" label="Add tags" error={errors?.fields['actions.addTags']} hint="Comma-separated; new names are created.">
          <input value={form.tags} onChange={(e) => setForm({ ...form, tags: e.target.value })} placeholder="refund, billing" autoComplete="off" />
        </Field>
      </fieldset>
      <FormError message={errors?.fields.actions ?? errors?.general} />
    </FormDialog>
  );
}
