import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { createContact } from '../api/queries/contacts.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useSession } from '../app/context.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { toast } from '../components/toast.tsx';

/** A contact added by hand (a caller, a walk-in); opens their card once created. */
export function NewContactDialog({ onClose }: { onClose: () => void }) {
  const { api } = useSession();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const [form, setForm] = useState({ email: '', name: '', company: '' });
  const create = useMutation({
    mutationFn: () => createContact(api, { email: form.email, name: form.name.trim() || null, company: form.company.trim() || null }),
    onSuccess: (contact) => {
      void qc.invalidateQueries({ queryKey: queryKeys.contacts.lists });
      toast(`Added ${contact.name ?? contact.email}`, 'success');
      onClose();
      navigate(`/contacts/${contact.id}`);
    },
  });
  const errors = create.error ? formErrorsOf(create.error, ['email', 'name', 'company'] as const) : null;
  return (
    <FormDialog title="New contact" size="small" onClose={onClose} submitLabel="Create contact" pendingLabel="Creating…" pending={create.isPending} onSubmit={() => create.mutate()}>
      <Field id="nc-email" label="Email" error={errors?.fields.email}>
        <input type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoComplete="off" />
      </Field>
      <Field id="nc-name" label="Name" error={errors?.fields.name}>
        <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" />
      </Field>
      <Field id="nc-company" label="Company" error={errors?.fields.company}>
        <input value={form.company} onChange={(e) => setForm({ ...form, company: e.target.value })} autoComplete="off" />
      </Field>
      <FormError message={errors?.general} />
    </FormDialog>
  );
}
