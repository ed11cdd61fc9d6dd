import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import { useProjects } from '../api/queries/projects.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { Project } from '../api/types.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf, messageOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { InlineEdit } from '../components/InlineEdit.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { SectionHeader, Switch, useNotice } from './Section.tsx';
import { usePermissions } from '../app/permissions.ts';

type ProjectChange = Partial<Pick<Project, 'name' | 'slug' | 'active'>>;

/** Projects (queues): rename inline, archive to stop new tickets without losing old ones. */
export function ProjectsSection() {
  const { can, why } = usePermissions();
  const isAdmin = can('admin');
  const projects = useProjects();
  const { api, queryClient } = useTeamApi();
  const [creating, setCreating] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string | undefined>>({});
  const notice = useNotice();

  const change = useMutation({
    mutationFn: async ({ id, patch }: { id: string; patch: ProjectChange }) => (await api.patch<Project>(`/projects/${id}`, patch)).data,
    onMutate: async ({ id, patch }) => ({ rollback: await optimisticList<Project>(queryClient, queryKeys.projects, patchById<Project>(id, patch)) }),
    onError: (_err, _vars, context) => context?.rollback(),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.projects }),
  });

  async function edit(project: Project, field: 'name' | 'slug', value: string) {
    const key = `${project.id}.${field}`;
    setFieldErrors((e) => ({ ...e, [key]: undefined }));
    try {
      await change.mutateAsync({ id: project.id, patch: { [field]: value } });
    } catch (err) {
      setFieldErrors((e) => ({ ...e, [key]: formErrorsOf(err, [field]).fields[field] ?? messageOf(err) }));
      throw err;
    }
  }

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Projects"
        description="Queues that group tickets, e.g. Billing or Onboarding. An archived project keeps its tickets but takes no new ones."
        action={
          <button type="button" className="primary" disabled={!isAdmin} title={isAdmin ? undefined : why('admin')} onClick={() => setCreating(true)}>
            <Icon name="plus" /> New project
          </button>
        }
      />
      {notice.banner}
      <div className="card st-card">
        {projects.isPending ? (
          <SkeletonRows rows={4} />
        ) : projects.isError ? (
          <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
        ) : projects.data.length === 0 ? (
          <EmptyState icon="folder" title="No projects yet">
            Projects are optional; create one to split tickets into queues.
          </EmptyState>
        ) : (
          <table className="grid st-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {projects.data.map((p) => (
                <tr key={p.id} className={p.active ? undefined : 'revoked'}>
                  <td>
                    <InlineEdit label={`Name of ${p.name}`} value={p.name} error={fieldErrors[`${p.id}.name`]} onSave={(v) => edit(p, 'name', v)} />
                  </td>
                  <td className="ui-mono">
                    <InlineEdit label={`Slug of ${p.name}`} value={p.slug} error={fieldErrors[`${p.id}.slug`]} onSave={(v) => edit(p, 'slug', v)} />
                  </td>
                  <td>
                    <Switch
                      label={p.active ? `Archive ${p.name}` : `Restore ${p.name}`}
                      checked={p.active}
                      onChange={(active) =>
                        change.mutate(
                          { id: p.id, patch: { active } },
                          { onError: notice.report, onSuccess: () => toast(`${p.name} ${active ? 'restored' : 'archived'}`, 'success') },
                        )
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {creating ? <CreateProjectDialog onClose={() => setCreating(false)} /> : null}
    </section>
  );
}

function CreateProjectDialog({ onClose }: { onClose: () => void }) {
  const { api, queryClient } = useTeamApi();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const create = useMutation({
    mutationFn: async () => (await api.post<Project>('/projects', { name, ...(slug.trim() ? { slug: slug.trim() } : {}) })).data,
    onSuccess: (project) => {
      queryClient.setQueryData<Project[]>(queryKeys.projects, (old) => (old ? [...old, project] : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.projects });
      toast(`Created ${project.name}`, 'success');
      onClose();
    },
  });
  const errors = create.error ? formErrorsOf(create.error, ['name', 'slug'] as const) : null;
  return (
    <FormDialog
      title="New project"
      size="small"
      onClose={onClose}
      submitLabel="Create project"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <Field id="project-name" label="Name" error={errors?.fields.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <Field id="project-slug" label="Slug" error={errors?.fields.slug} hint="Optional: lower-case letters, digits and hyphens. Derived from the name when empty.">
        <input className="ui-mono" value={slug} onChange={(e) => setSlug(e.target.value)} autoComplete="off" placeholder="billing-refunds" />
      </Field>
      <FormError message={errors?.general} />
    </FormDialog>
  );
}
