import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SavedView as ServerView } from '../api/types.ts';
import { createView } from '../api/queries/views.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Optional } from '../api/collection.ts';
import { useSession } from '../app/context.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { toast } from '../components/toast.tsx';
import { type InboxFilters, type InboxSort, toServerFilters } from './views.ts';

/** Saves the inbox's current filters and sort as a named view of this user, on the server. */
export function SaveViewDialog({ filters, sort, onSaved, onClose }: { filters: InboxFilters; sort: InboxSort; onSaved: (view: ServerView) => void; onClose: () => void }) {
  const { api } = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const save = useMutation({
    mutationFn: () => createView(api, { name, filters: toServerFilters(filters), sortBy: sort.sortBy, sortOrder: sort.sortOrder }),
    onSuccess: (view) => {
      qc.setQueryData<Optional<ServerView>>(queryKeys.views, (old) => (old ? { ...old, items: [...old.items, view] } : old));
      void qc.invalidateQueries({ queryKey: queryKeys.views });
      toast(`Saved the view “${view.name}”`, 'success');
      onSaved(view);
    },
  });
  const errors = save.error ? formErrorsOf(save.error, ['name', 'filters'] as const) : null;
  return (
    <FormDialog title="Save view" description="Keeps these filters and this sort under a name, for you, on every device." size="small" onClose={onClose} submitLabel="Save" pendingLabel="Saving…" pending={save.isPending} onSubmit={() => save.mutate()}>
      <Field id="view-name" label="Name" error={errors?.fields.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} autoComplete="off" placeholder="e.g. Billing fires" />
      </Field>
      <FormError message={errors?.fields.filters ?? errors?.general} />
    </FormDialog>
  );
}
