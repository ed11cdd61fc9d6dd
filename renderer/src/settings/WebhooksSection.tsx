import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import { useWebhooks } from '../api/queries/webhooks.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { Webhook, WebhookCreated } from '../api/types.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { shortDate } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { DeliveriesDialog } from './DeliveriesDialog.tsx';
import { SecretDialog } from './SecretDialog.tsx';
import { SectionHeader, Switch, useNotice } from './Section.tsx';
import { WebhookDialog } from './WebhookDialog.tsx';
import { useNow } from '../components/clock.ts';
import { usePermissions } from '../app/permissions.ts';

/** Webhooks: signed HTTP callbacks on events, with their delivery log. */
export function WebhooksSection() {
  const { can, why } = usePermissions();
  const isAdmin = can('admin');
  const now = useNow();
  const webhooks = useWebhooks();
  const { api, queryClient } = useTeamApi();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const notice = useNotice();

  const toggle = useMutation({
    mutationFn: async ({ id, active }: { id: string; active: boolean }) => (await api.patch<Webhook>(`/webhooks/${id}`, { active })).data,
    onMutate: async ({ id, active }) => ({ rollback: await optimisticList<Webhook>(queryClient, queryKeys.webhooks, patchById<Webhook>(id, { active })) }),
    onError: (err, _vars, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (hook) => toast(hook.active ? 'Webhook resumed' : 'Webhook paused', 'success'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.webhooks }),
  });

  const remove = useMutation({
    mutationFn: async (hook: Webhook) => api.delete(`/webhooks/${hook.id}`),
    onMutate: async (hook) => ({ rollback: await optimisticList<Webhook>(queryClient, queryKeys.webhooks, (items) => items.filter((w) => w.id !== hook.id)) }),
    onError: (err, _hook, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: () => toast('Webhook deleted', 'success'),
    onSettled: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.webhooks });
    },
  });

  const unavailable = webhooks.data?.unavailable === true;
  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Webhooks"
        description="Tell other systems when something happens. Each delivery is signed (LocalDesk-Signature) and retried with backoff until it succeeds."
        action={
          unavailable ? null : (
            <button type="button" className="primary" disabled={!isAdmin} title={isAdmin ? undefined : why('admin')} onClick={() => setCreating(true)}>
            <Icon name="plus" /> New webhook
            </button>
          )
        }
      />
      {notice.banner}
      <div className="card st-card">
        {webhooks.isPending ? (
          <SkeletonRows rows={3} />
        ) : webhooks.isError ? (
          <ErrorState error={webhooks.error} onRetry={() => void webhooks.refetch()} />
        ) : unavailable ? (
          <EmptyState icon="webhook" title="Webhooks are not available on this server">
            This LocalDesk server does not offer webhooks yet. Update it to send events to other systems.
          </EmptyState>
        ) : webhooks.data.items.length === 0 ? (
          <EmptyState icon="webhook" title="No webhooks yet" action={<button type="button" onClick={() => setCreating(true)}>Add a webhook</button>}>
            Send ticket and conversation events to Slack, a CRM or your own service.
          </EmptyState>
        ) : (
          <ul className="st-webhook-list">
            {webhooks.data.items.map((w) => (
              <li key={w.id} className={w.active ? undefined : 'paused'}>
                <Switch label={w.active ? `Pause ${w.url}` : `Resume ${w.url}`} checked={w.active} onChange={(active) => toggle.mutate({ id: w.id, active })} />
                <div className="st-webhook-main">
                  <code className="ui-mono st-webhook-url">{w.url}</code>
                  <div className="st-webhook-events">
                    {w.events.map((e) => (
                      <span key={e} className="ui-chip ui-mono">
                        {e === '*' ? 'all events' : e}
                      </span>
                    ))}
                    <span className="muted small">
                      {w.active ? 'Active' : 'Paused'} · since {shortDate(w.createdAt, now)}
                    </span>
                  </div>
                </div>
                <div className="st-webhook-actions">
                  <button type="button" className="ui-btn-small" onClick={() => setViewing(w)}>
                    Deliveries
                  </button>
                  <button type="button" className="ui-ghost ui-btn-small danger" aria-label={`Delete webhook ${w.url}`} onClick={() => setDeleting(w)}>
                    <Icon name="trash" size={14} />
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
      {creating ? (
        <WebhookDialog
          onClose={() => setCreating(false)}
          onCreated={(hook) => {
            setCreating(false);
            setCreated(hook);
          }}
        />
      ) : null}
      {created ? (
        <SecretDialog title="Webhook created" label="Signing secret" secret={created.secret} onDone={() => setCreated(null)}>
          <p className="muted small">
            Verify each delivery: <code className="ui-mono">LocalDesk-Signature: t=…,v1=…</code> is the hex HMAC-SHA256 of <code className="ui-mono">{'"<t>.<raw body>"'}</code> keyed with this secret.
          </p>
        </SecretDialog>
      ) : null}
      {viewing ? <DeliveriesDialog webhook={viewing} onClose={() => setViewing(null)} /> : null}
      {deleting ? (
        <ConfirmDialog title="Delete this webhook?" confirmLabel="Delete webhook" busy={remove.isPending} onCancel={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting)}>
          <p>
            <code className="ui-mono">{deleting.url}</code> stops receiving events, and its delivery history is deleted.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
