import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { useContactLookup } from '../api/queries/contacts.ts';
import { useProjects } from '../api/queries/projects.ts';
import { createTicket } from '../api/queries/tickets.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Contact, Ticket } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { toast } from '../components/toast.tsx';
import { parseTagList } from '../settings/macroText.ts';
import { priorities } from './views.ts';

const fields = ['contactEmail', 'name', 'subject', 'description', 'priority', 'projectId', 'tags'] as const;

/**
 * A ticket typed in by an agent (a phone call, a walk-in): the contact is picked by name or
 * email, or created on the spot with a name; the first message is the customer's request.
 */
export function NewTicketDialog({ onClose }: { onClose: () => void }) {
  const { api } = useSession();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const projects = (useProjects().data ?? []).filter((p) => p.active);
  const [form, setForm] = useState({ email: '', name: '', subject: '', description: '', priority: 'medium' as Ticket['priority'], projectId: '', tags: '' });
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(form.email), 200);
    return () => clearTimeout(timer);
  }, [form.email]);
  const matches = useContactLookup(debounced).data ?? [];
  const existing = matches.find((c) => c.email.toLowerCase() === form.email.trim().toLowerCase()) ?? null;
  const suggestions = existing ? [] : matches.slice(0, 5);

  const create = useMutation({
    mutationFn: async () => {
      const tags = parseTagList(form.tags);
      const name = form.name.trim();
      // One request: a new contact is created with its name in the ticket's transaction.
      return createTicket(api, {
        subject: form.subject,
        description: form.description,
        contactEmail: form.email.trim(),
        ...(!existing && name ? { contactName: name } : {}),
        priority: form.priority,
        ...(form.projectId ? { projectId: form.projectId } : {}),
        ...(tags.length ? { tags } : {}),
      });
    },
    onSuccess: (ticket) => {
      void qc.invalidateQueries({ queryKey: queryKeys.tickets.lists });
      void qc.invalidateQueries({ queryKey: queryKeys.contacts.lists });
      toast(`Created “${ticket.subject}”`, 'success');
      onClose();
      navigate(`/tickets/${ticket.id}`);
    },
  });
  const errors = create.error ? formErrorsOf(create.error, fields) : null;
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const pick = (c: Contact) => set({ email: c.email, name: c.name ?? '' });

  return (
    <FormDialog title="New ticket" description="For a request that came by phone, in person or any other way." onClose={onClose} submitLabel="Create ticket" pendingLabel="Creating…" pending={create.isPending} onSubmit={() => create.mutate()}>
      <Field id="nt-email" label="Contact email" error={errors?.fields.contactEmail} hint={existing ? `Existing contact: ${existing.name ?? existing.email}${existing.company ? `, ${existing.company}` : ''}` : 'Type a name or an email to find a contact; a new email creates one.'}>
        <input value={form.email} onChange={(e) => set({ email: e.target.value })} autoComplete="off" placeholder="jane@example.com" />
      </Field>
      {suggestions.length > 0 ? (
        <ul className="nt-suggestions" aria-label="Matching contacts">
          {suggestions.map((c) => (
            <li key={c.id}>
              <button type="button" className="ui-btn-small" onClick={() => pick(c)}>
                {c.name ?? c.email} <span className="muted small">{c.name ? c.email : ''}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {existing ? null : (
        <Field id="nt-name" label="Contact name" error={errors?.fields.name} hint="Optional, for a new contact.">
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" />
        </Field>
      )}
      <Field id="nt-subject" label="Subject" error={errors?.fields.subject}>
        <input value={form.subject} onChange={(e) => set({ subject: e.target.value })} autoComplete="off" maxLength={300} />
      </Field>
      <Field id="nt-description" label="First message" error={errors?.fields.description} hint="What the customer asked, in their words.">
        <textarea rows={4} value={form.description} onChange={(e) => set({ description: e.target.value })} />
      </Field>
      <div className="st-row">
        <Field id="nt-priority" label="Priority" error={errors?.fields.priority}>
          <select value={form.priority} onChange={(e) => set({ priority: e.target.value as Ticket['priority'] })}>
            {priorities.map((p) => (
              <option key={p} value={p}>
                {p[0]!.toUpperCase() + p.slice(1)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="nt-project" label="Project" error={errors?.fields.projectId}>
          <select value={form.projectId} onChange={(e) => set({ projectId: e.target.value })}>
            <option value="">No project</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="nt-tags" label="Tags" error={errors?.fields.tags} hint="Comma-separated; new names are created.">
        <input value={form.tags} onChange={(e) => set({ tags: e.target.value })} autoComplete="off" placeholder="phone, billing" />
      </Field>
      <FormError message={errors?.general} />
    </FormDialog>
  );
}
