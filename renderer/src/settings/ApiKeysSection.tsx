import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import { useApiKeys } from '../api/queries/apiKeys.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { ApiKeyCreated, ApiKeyInfo } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { shortDate, timeAgo } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';
import { describeScopes, scopeParts } from './scopes.ts';
import { SecretDialog } from './SecretDialog.tsx';
import { SectionHeader, useNotice } from './Section.tsx';
import { useNow } from '../components/clock.ts';
import { usePermissions } from '../app/permissions.ts';
import { RevokeCell, ShowRevokedToggle } from './revocable.tsx';

/** API keys: who can use the API with what, created with the secret shown once, revocable. */
export function ApiKeysSection() {
  const { can, why } = usePermissions();
  const isAdmin = can('admin');
  const now = useNow();
  const keys = useApiKeys();
  const { api, queryClient } = useTeamApi();
  const { signOut } = useSession();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyInfo | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const notice = useNotice();
  const isMine = (k: ApiKeyInfo) => Boolean(api.key?.startsWith(k.prefix)) && k.revokedAt === null;

  const revoke = useMutation({
    mutationFn: async (key: ApiKeyInfo) => api.delete(`/api-keys/${key.id}`),
    onMutate: async (key) => ({
      rollback: await optimisticList<ApiKeyInfo>(queryClient, queryKeys.apiKeys, patchById<ApiKeyInfo>(key.id, { revokedAt: new Date().toISOString() })),
    }),
    onError: (err, _key, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (_data, key) => {
      toast(`Revoked “${key.name}”`, 'success');
      if (isMine(key)) signOut();
    },
    onSettled: () => {
      setRevoking(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
    },
  });

  const all = keys.data ?? [];
  const visible = showRevoked ? all : all.filter((k) => k.revokedAt === null);
  const revokedCount = all.length - all.filter((k) => k.revokedAt === null).length;

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="API keys"
        description="Every browser, script and integration signs in with a key. The secret is shown once, when the key is created."
        action={
          <button type="button" className="primary" disabled={!isAdmin} title={isAdmin ? undefined : why('admin')} onClick={() => setCreating(true)}>
            <Icon name="plus" /> New API key
          </button>
        }
      />
      {notice.banner}
      <div className="card st-card">
        {keys.isPending ? (
          <SkeletonRows rows={4} />
        ) : keys.isError ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : visible.length === 0 ? (
          <EmptyState icon="key" title="No active keys">
            Create one for each person or integration, so each can be revoked on its own.
          </EmptyState>
        ) : (
          <table className="grid st-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Access</th>
                <th scope="col">Rate limit</th>
                <th scope="col">Last used</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="ui-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'revoked' : undefined}>
                  <td>
                    <div className="st-key">
                      <span className={k.scopes.includes('admin') ? 'st-key-icon admin' : 'st-key-icon'}>
                        <Icon name="key" size={15} />
                      </span>
                      <div>
                        <div className="st-key-name">
                          <strong>{k.name}</strong>
                          {isMine(k) ? <span className="ui-chip st-you-chip">This session</span> : null}
                          {k.revokedAt ? <span className="ui-chip">Revoked {shortDate(k.revokedAt, now)}</span> : null}
                        </div>
                        <code className="ui-mono muted">{k.prefix}…</code>
                      </div>
                    </div>
                  </td>
                  <td>
                    <ScopeChips scopes={k.scopes} />
                  </td>
                  <td className="muted">{k.rateLimitPerMinute === null ? 'Server default' : `${k.rateLimitPerMinute.toLocaleString('en-US')}/min`}</td>
                  <td className="muted">{k.lastUsedAt ? timeAgo(k.lastUsedAt, now) : 'Never'}</td>
                  <td className="muted">{shortDate(k.createdAt, now)}</td>
                  <RevokeCell name={k.name} revoked={k.revokedAt !== null} onRevoke={() => setRevoking(k)} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <ShowRevokedToggle count={revokedCount} noun={['key', 'keys']} checked={showRevoked} onChange={setShowRevoked} />

      {creating ? (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      ) : null}
      {created ? (
        <SecretDialog title={`“${created.name}” is ready`} label="API key" secret={created.key} onDone={() => setCreated(null)}>
          <p className="muted small">Access: {describeScopes(created.scopes)}. Send it as the X-API-Key header, or paste it into the sign-in screen.</p>
        </SecretDialog>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke key"
          busy={revoke.isPending}
          onCancel={() => setRevoking(null)}
          onConfirm={() => revoke.mutate(revoking)}
        >
          <p>Anything using this key stops working at once. This cannot be undone.</p>
          {isMine(revoking) ? <p className="error">This is the key this browser is signed in with: you will be signed out.</p> : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function ScopeChips({ scopes }: { scopes: ApiKeyInfo['scopes'] }) {
  if (scopes.includes('admin')) return <span className="ui-chip st-scope admin">Admin · full access</span>;
  return (
    <span className="st-scope-list" title={describeScopes(scopes)}>
      {scopeParts(scopes).map((part) => (
        <span key={part} className="ui-chip st-scope">
          {part}
        </span>
      ))}
    </span>
  );
}
