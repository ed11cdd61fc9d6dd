import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import { useUsers } from '../api/queries/users.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { ApiKeyCreated, User, UserCreateBody } from '../api/types.ts';
import { usePermissions } from '../app/permissions.ts';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';
import { describeScopes } from './scopes.ts';
import { SecretDialog } from './SecretDialog.tsx';
import { useSession } from '../app/context.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { SectionHeader, useNotice } from './Section.tsx';

type UserChange = Partial<Pick<User, 'role' | 'active'>>;

/** Users (agents): roles, and deactivation instead of deletion so history keeps its authors. */
export function UsersSection() {
  const users = useUsers();
  const { me } = useSession();
  const { api, queryClient } = useTeamApi();
  const [creating, setCreating] = useState(false);
  const [keyFor, setKeyFor] = useState<User | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const { can, why } = usePermissions();
  const admin = can('admin');
  const notice = useNotice();

  const change = useMutation({
    mutationFn: async ({ user, patch }: { user: User; patch: UserChange }) => (await api.patch<User>(`/users/${user.id}`, patch)).data,
    onMutate: async ({ user, patch }) => {
      notice.clear();
      return { rollback: await optimisticList<User>(queryClient, queryKeys.users, patchById<User>(user.id, patch)) };
    },
    onError: (err, _vars, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (user, { patch }) => {
      const what = patch.active === false ? 'deactivated' : patch.active === true ? 'reactivated' : `now ${user.role === 'admin' ? 'an admin' : 'an agent'}`;
      toast(`${user.name} is ${what}`, 'success');
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.users }),
  });

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Users"
        description="The people who work the desk. Admins manage settings; agents work tickets. Deactivating keeps their history and stops their keys."
        action={
          <button type="button" className="primary" disabled={!admin} title={admin ? undefined : why('admin')} onClick={() => setCreating(true)}>
            <Icon name="plus" /> Add user
          </button>
        }
      />
      {notice.banner}
      <div className="card st-card">
        {users.isPending ? (
          <SkeletonRows rows={5} />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <table className="grid st-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="ui-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} className={u.active ? undefined : 'revoked'}>
                  <td>
                    <span className="st-person">
                      <Avatar name={u.name} size={32} />
                      <span>
                        <strong>{u.name}</strong>
                        {u.id === me.id ? <span className="ui-chip st-you-chip">You</span> : null}
                        <span className="muted small">{u.email}</span>
                      </span>
                    </span>
                  </td>
                  <td>
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      disabled={!admin}
                      title={admin ? undefined : why('admin')}
                      onChange={(e) => change.mutate({ user: u, patch: { role: e.target.value as User['role'] } })}
                    >
                      <option value="agent">Agent</option>
                      <option value="admin">Admin</option>
                    </select>
                  </td>
                  <td>{u.active ? <span className="badge st-active-badge">Active</span> : <span className="badge">Deactivated</span>}</td>
                  <td className="st-actions">
                    {admin && u.active ? (
                      <button type="button" className="ui-ghost ui-btn-small" aria-label={`New key for ${u.name}`} onClick={() => setKeyFor(u)}>
                        <Icon name="key" size={14} /> New key
                      </button>
                    ) : null}
                    <button type="button" disabled={!admin} title={admin ? undefined : why('admin')} className={u.active ? 'ui-ghost ui-btn-small danger' : 'ui-ghost ui-btn-small'} onClick={() => change.mutate({ user: u, patch: { active: !u.active } })}>
                      {u.active ? 'Deactivate' : 'Reactivate'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {creating ? (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            // Same flow: the new teammate's key, with them chosen and agent scopes ticked.
            setKeyFor(user);
          }}
        />
      ) : null}
      {keyFor ? (
        <CreateKeyDialog
          user={keyFor}
          onClose={() => setKeyFor(null)}
          onCreated={(key) => {
            setKeyFor(null);
            setCreated(key);
          }}
        />
      ) : null}
      {created ? (
        <SecretDialog title={`“${created.name}” is ready`} label="API key" secret={created.key} onDone={() => setCreated(null)}>
          <p className="muted small">Access: {describeScopes(created.scopes)}. Send it to them privately; they paste it into the sign-in screen.</p>
        </SecretDialog>
      ) : null}
    </section>
  );
}

const fields = ['name', 'email', 'role'] as const;

function CreateUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (user: User) => void }) {
  const { api, queryClient } = useTeamApi();
  const [form, setForm] = useState<Required<UserCreateBody>>({ name: '', email: '', role: 'agent' });
  const create = useMutation({
    mutationFn: async () => (await api.post<User>('/users', form)).data,
    onSuccess: (user) => {
      queryClient.setQueryData<User[]>(queryKeys.users, (old) => (old ? [...old, user] : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
      toast(`Added ${user.name}`, 'success');
      onCreated(user);
    },
  });
  const errors = create.error ? formErrorsOf(create.error, fields) : null;
  return (
    <FormDialog
      title="Add a user"
      size="small"
      onClose={onClose}
      submitLabel="Add user"
      pendingLabel="Adding…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <Field id="user-name" label="Name" error={errors?.fields.name}>
        <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" />
      </Field>
      <Field id="user-email" label="Email" error={errors?.fields.email}>
        <input type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoComplete="off" />
      </Field>
      <Field id="user-role" label="Role" error={errors?.fields.role}>
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as User['role'] })}>
          <option value="agent">Agent: works tickets and conversations</option>
          <option value="admin">Admin: also manages users, keys and settings</option>
        </select>
      </Field>
      <FormError message={errors?.general} />
    </FormDialog>
  );
}
