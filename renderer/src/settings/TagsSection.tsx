import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import { useTags } from '../api/queries/tags.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { Tag } from '../api/types.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { FormError } from '../components/Field.tsx';
import { plural } from '../components/format.ts';
import { formErrorsOf, messageOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { InlineEdit } from '../components/InlineEdit.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { SectionHeader, useNotice } from './Section.tsx';

const palette = ['#2563eb', '#7c3aed', '#db2777', '#dc2626', '#ea580c', '#ca8a04', '#16a34a', '#0d9488', '#64748b'];

/** Tags: colour, rename everywhere, delete (off every ticket) with a confirm. */
export function TagsSection() {
  const tags = useTags();
  const { api, queryClient } = useTeamApi();
  const [deleting, setDeleting] = useState<Tag | null>(null);
  const [renameErrors, setRenameErrors] = useState<Record<string, string | undefined>>({});
  const notice = useNotice();

  const change = useMutation({
    mutationFn: async ({ id, patch }: { id: string; patch: Partial<Pick<Tag, 'name' | 'color'>> }) => (await api.patch<Tag>(`/tags/${id}`, patch)).data,
    onMutate: async ({ id, patch }) => ({ rollback: await optimisticList<Tag>(queryClient, queryKeys.tags, patchById<Tag>(id, patch)) }),
    onError: (_err, _vars, context) => context?.rollback(),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
  });

  const remove = useMutation({
    mutationFn: async (tag: Tag) => api.delete(`/tags/${tag.id}`),
    onMutate: async (tag) => ({ rollback: await optimisticList<Tag>(queryClient, queryKeys.tags, (items) => items.filter((t) => t.id !== tag.id)) }),
    onError: (err, _tag, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (_data, tag) => toast(`Deleted “${tag.name}”`, 'success'),
    onSettled: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
  });

  async function rename(tag: Tag, name: string) {
    setRenameErrors((e) => ({ ...e, [tag.id]: undefined }));
    try {
      await change.mutateAsync({ id: tag.id, patch: { name } });
    } catch (err) {
      setRenameErrors((e) => ({ ...e, [tag.id]: formErrorsOf(err, ['name'] as const).fields.name ?? messageOf(err) }));
      throw err;
    }
  }

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader title="Tags" description="Labels on tickets. Renaming a tag renames it on every ticket; deleting removes it from them." />
      {notice.banner}
      <NewTagForm />
      <div className="card st-card">
        {tags.isPending ? (
          <SkeletonRows rows={5} />
        ) : tags.isError ? (
          <ErrorState error={tags.error} onRetry={() => void tags.refetch()} />
        ) : tags.data.length === 0 ? (
          <EmptyState icon="tag" title="No tags yet">
            Tags are created here or the first time one is put on a ticket.
          </EmptyState>
        ) : (
          <table className="grid st-table">
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col" className="num">
                  Tickets
                </th>
                <th scope="col">
                  <span className="ui-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tags.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <span className="st-tag-cell">
                      <ColorSwatch label={`Colour of ${t.name}`} color={t.color} onCommit={(color) => change.mutate({ id: t.id, patch: { color } }, { onError: notice.report })} />
                      <InlineEdit label={`Name of tag ${t.name}`} value={t.name} error={renameErrors[t.id]} onSave={(v) => rename(t, v)} />
                    </span>
                  </td>
                  <td className="num">{t.ticketCount.toLocaleString('en-US')}</td>
                  <td className="st-actions">
                    <button type="button" className="ui-ghost ui-btn-small danger" onClick={() => setDeleting(t)} aria-label={`Delete tag ${t.name}`}>
                      <Icon name="trash" size={14} /> Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {deleting ? (
        <ConfirmDialog title={`Delete “${deleting.name}”?`} confirmLabel="Delete tag" busy={remove.isPending} onCancel={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting)}>
          <p>{deleting.ticketCount > 0 ? `It comes off ${plural(deleting.ticketCount, 'ticket')}.` : 'No ticket carries it.'} This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function NewTagForm() {
  const { api, queryClient } = useTeamApi();
  const [name, setName] = useState('');
  const [color, setColor] = useState(palette[0]!);
  const create = useMutation({
    mutationFn: async () => (await api.post<Tag>('/tags', { name, color })).data,
    onSuccess: (tag) => {
      queryClient.setQueryData<Tag[]>(queryKeys.tags, (old) => (old ? [...old, tag].sort((a, b) => a.name.localeCompare(b.name)) : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
      toast(`Created “${tag.name}”`, 'success');
      setName('');
      setColor(palette[(palette.indexOf(color) + 1) % palette.length]!);
    },
  });
  const errors = create.error ? formErrorsOf(create.error, ['name', 'color'] as const) : null;
  return (
    <form
      className="card st-inline-create"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <label className="st-swatch" style={{ background: color }} title="Colour">
        <input type="color" aria-label="New tag colour" value={color} onChange={(e) => setColor(e.target.value)} />
      </label>
      <label htmlFor="new-tag" className="ui-sr-only">
        New tag name
      </label>
      <input id="new-tag" placeholder="New tag name, e.g. refund" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={errors?.fields.name ? true : undefined} />
      <button type="submit" disabled={create.isPending || !name.trim()}>
        <Icon name="plus" /> Add tag
      </button>
      <FormError message={errors ? (errors.fields.name ?? errors.fields.color ?? errors.general) : null} />
    </form>
  );
}

/** A colour well that saves once the choice settles, not on every step of a drag. */
function ColorSwatch({ label, color, onCommit }: { label: string; color: string | null; onCommit: (color: string) => void }) {
  const [value, setValue] = useState(color);
  useEffect(() => setValue(color), [color]);
  useEffect(() => {
    if (value === color || value === null) return;
    const timer = setTimeout(() => onCommit(value), 400);
    return () => clearTimeout(timer);
    // Commits the settled value only; onCommit is a fresh closure each render.
  }, [value]);
  return (
    <label className={value ? 'st-swatch' : 'st-swatch none'} style={value ? { background: value } : undefined} title="Change colour">
      <input type="color" aria-label={label} value={value ?? '#64748b'} onChange={(e) => setValue(e.target.value)} />
    </label>
  );
}
