import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client.ts';
import { useProjects } from '../api/queries/projects.ts';
import type { Ticket } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { Segmented } from '../components/Segmented.tsx';
import { toast } from '../components/toast.tsx';
import { useConvert } from '../api/queries/conversations.ts';

const priorities = ['low', 'medium', 'high', 'urgent'] as const;

/** Turns the conversation into a ticket with a chosen priority (and queue), then opens it. */
export function ConvertDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const [priority, setPriority] = useState<Ticket['priority']>('medium');
  const [projectId, setProjectId] = useState('');
  const projects = useProjects();
  const convert = useConvert(conversationId);
  const [, navigate] = useLocation();
  const conflictTicket =
    convert.error instanceof ApiError && convert.error.status === 409 && typeof convert.error.details?.ticketId === 'string'
      ? convert.error.details.ticketId
      : null;
  const errors = convert.error && !conflictTicket ? formErrorsOf(convert.error, ['priority', 'projectId'] as const) : null;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    convert.mutate(
      { priority, projectId: projectId || null },
      {
        onSuccess: (ticket) => {
          toast(`Created ticket ${ticket.id}`, 'success');
          onClose();
          navigate(`/tickets/${ticket.id}`);
        },
      },
    );
  }

  const activeProjects = (projects.data ?? []).filter((p) => p.active) ?? [];
  return (
    <Dialog
      title="Convert to ticket"
      description="The subject, the participant and every message carry over. The SLA starts now."
      onClose={onClose}
      size="small"
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="convert-form" className="primary" disabled={convert.isPending || Boolean(conflictTicket)}>
            {convert.isPending ? 'Converting…' : 'Convert'}
          </button>
        </>
      }
    >
      <form id="convert-form" className="conv-convert-form" onSubmit={submit}>
        <div className="ui-field">
          <span className="conv-field-label" id="convert-priority">
            Priority
          </span>
          <Segmented
            label="Priority"
            options={priorities.map((p) => ({ value: p, name: p[0]!.toUpperCase() + p.slice(1), label: <span className={`conv-prio-dot ${p}`}>{p[0]!.toUpperCase() + p.slice(1)}</span> }))}
            value={priority}
            onChange={setPriority}
          />
          {errors?.fields.priority ? <p className="ui-field-error">{errors.fields.priority}</p> : null}
        </div>
        <Field id="convert-project" label="Project" error={errors?.fields.projectId} hint="Optional: the queue the ticket belongs to.">
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">No project</option>
            {activeProjects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        {conflictTicket ? (
          <p className="ui-form-error" role="alert">
            This conversation is already a ticket. <Link href={`/tickets/${conflictTicket}`}>Open ticket {conflictTicket}</Link>
          </p>
        ) : (
          <FormError message={errors?.general} />
        )}
      </form>
    </Dialog>
  );
}
