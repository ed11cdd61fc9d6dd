import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { without } from '../api/collection.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import { useUsers } from '../api/queries/users.ts';
import type { ApiKeyCreated, ApiKeyInfo, Scope, User } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { grants, sameScopes, scopeGroups, scopePresets, toggleScope } from './scopes.ts';

const fields = ['name', 'scopes', 'rateLimitPerMinute', 'userId'] as const;
const agentScopes = scopePresets.find((p) => p.name === 'Agent')?.scopes ?? [];

/**
 * New API key: whose it is, name, scopes and an optional rate limit. Opened for a teammate just
 * added, it has them chosen and agent scopes ticked. Hands the created key (with its secret) up.
 */
export function CreateKeyDialog({ user, onClose, onCreated }: { user?: User; onClose: () => void; onCreated: (key: ApiKeyCreated) => void }) {
  const { api, queryClient } = useTeamApi();
  const { me } = useSession();
  const users = (useUsers().data ?? []).filter((u) => u.active || u.id === user?.id);
  const [userId, setUserId] = useState(user?.id ?? me.id);
  const [name, setName] = useState(user ? `${user.name}’s browser` : '');
  const [scopes, setScopes] = useState<Scope[]>(user ? [...agentScopes] : ['tickets:read', 'conversations:read', 'contacts:read', 'analytics:read']);
  const [rate, setRate] = useState('');
  const create = useMutation({
    // The response carries the secret: keep no copy in the mutation cache once it is shown.
    gcTime: 0,
    mutationFn: async () => {
      const rateLimitPerMinute = rate.trim() === '' ? null : Number(rate);
      return (await api.post<ApiKeyCreated>('/api-keys', { name, scopes, rateLimitPerMinute, userId })).data;
    },
    onSuccess: (created) => {
      // The list gets the key without its secret: the secret lives only in the dialog.
      const info = without(created, 'key');
      queryClient.setQueryData<ApiKeyInfo[]>(queryKeys.apiKeys, (old) => (old ? [info, ...old] : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
      onCreated(created);
    },
  });
  const errors = create.error ? formErrorsOf(create.error, fields) : null;
  const admin = scopes.includes('admin');

  return (
    <FormDialog
      title={user ? `API key for ${user.name}` : 'New API key'}
      description="For a teammate’s browser, a script or an integration. Give it only what it needs."
      onClose={onClose}
      submitLabel="Create key"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <Field id="key-name" label="Name" error={errors?.fields.name} hint="Who or what uses it, e.g. “Zapier” or “Ana’s laptop”.">
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={100} />
      </Field>
      <Field id="key-user" label="For" error={errors?.fields.userId} hint="The key acts as this person: their changes show their name.">
        <select value={userId} onChange={(e) => setUserId(e.target.value)}>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.role})
            </option>
          ))}
        </select>
      </Field>
      <fieldset className={`st-scopes${errors?.fields.scopes ? ' invalid' : ''}`} aria-describedby={errors?.fields.scopes ? 'scopes-error' : undefined}>
        <legend>Scopes</legend>
        <div className="st-scope-presets" role="group" aria-label="Presets">
          {scopePresets.map((preset) => (
            <button key={preset.name} type="button" className={`ui-btn-small${sameScopes(scopes, preset.scopes) ? ' on' : ''}`} onClick={() => setScopes([...preset.scopes])}>
              {preset.name}
            </button>
          ))}
        </div>
        <table className="st-scope-grid">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Read</th>
              <th scope="col">Write</th>
            </tr>
          </thead>
          <tbody>
            {scopeGroups.map((g) => (
              <tr key={g.label}>
                <th scope="row">{g.label}</th>
                <td>
                  <input type="checkbox" aria-label={g.read} checked={grants(scopes, g.read)} disabled={admin} onChange={(e) => setScopes(toggleScope(scopes, g.read, e.target.checked))} />
                </td>
                <td>
                  {g.write ? (
                    <input type="checkbox" aria-label={g.write} checked={grants(scopes, g.write)} disabled={admin} onChange={(e) => setScopes(toggleScope(scopes, g.write!, e.target.checked))} />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label className="check st-admin-check">
          <input type="checkbox" aria-label="admin" checked={admin} onChange={(e) => setScopes(toggleScope(scopes, 'admin', e.target.checked))} />
          <span>
            <strong>Admin</strong>
            <span className="muted small"> — everything above, plus users, keys and settings. Only for an admin user’s key.</span>
          </span>
        </label>
        {errors?.fields.scopes ? (
          <p id="scopes-error" className="ui-field-error" role="alert">
            {errors.fields.scopes}
          </p>
        ) : null}
      </fieldset>
      <Field id="key-rate" label="Rate limit (requests per minute)" error={errors?.fields.rateLimitPerMinute} hint="Optional. Empty follows the server-wide default.">
        <input type="number" min={1} step={1} inputMode="numeric" placeholder="Server default" value={rate} onChange={(e) => setRate(e.target.value)} />
      </Field>
      <FormError message={errors?.general} />
    </FormDialog>
  );
}
