import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { type Optional, without } from '../api/collection.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { Webhook, WebhookCreated } from '../api/types.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf } from '../components/formErrors.ts';
import { eventFamilies, eventsFrom } from './webhookEvents.ts';

/** New webhook: URL and the events to send; the signing secret comes back once. */
export function WebhookDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (webhook: WebhookCreated) => void }) {
  const { api, queryClient } = useTeamApi();
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(false);
  const [families, setFamilies] = useState<string[]>(['ticket.*']);
  const [extra, setExtra] = useState('');
  const create = useMutation({
    // The response carries the secret: keep no copy in the mutation cache once it is shown.
    gcTime: 0,
    mutationFn: async () => (await api.post<WebhookCreated>('/webhooks', { url, events: eventsFrom(all, families, extra), active: true })).data,
    onSuccess: (created) => {
      queryClient.setQueryData<Optional<Webhook>>(queryKeys.webhooks, (old) => (old ? { ...old, items: [without(created, 'secret'), ...old.items] } : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.webhooks });
      onCreated(created);
    },
  });
  const errors = create.error ? formErrorsOf(create.error, ['url', 'events', 'active'] as const) : null;

  return (
    <FormDialog
      title="New webhook"
      description="LocalDesk POSTs each matching event as JSON, signed with a secret, and retries until your endpoint answers 2xx."
      onClose={onClose}
      submitLabel="Create webhook"
      pendingLabel="Creating…"
      pending={create.isPending}
      onSubmit={() => create.mutate()}
    >
      <Field id="webhook-url" label="Endpoint URL" error={errors?.fields.url}>
        <input type="url" className="ui-mono" placeholder="https://example.com/hooks/localdesk" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" />
      </Field>
      <fieldset className={`st-event-picker${errors?.fields.events ? ' invalid' : ''}`}>
        <legend>Events</legend>
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          <span>
            <strong>Everything</strong> <span className="muted small">(*)</span>
          </span>
        </label>
        {eventFamilies.map((f) => (
          <label key={f.pattern} className="check">
            <input
              type="checkbox"
              disabled={all}
              checked={all || families.includes(f.pattern)}
              onChange={(e) => setFamilies(e.target.checked ? [...families, f.pattern] : families.filter((p) => p !== f.pattern))}
            />
            <span>
              {f.label} <code className="ui-mono muted">{f.pattern}</code> <span className="muted small">— {f.help}</span>
            </span>
          </label>
        ))}
        <Field id="webhook-extra" label="Other event types" hint="Exact types, comma-separated, e.g. ticket.created, custom.billing.paid">
          <input className="ui-mono" value={extra} disabled={all} onChange={(e) => setExtra(e.target.value)} autoComplete="off" />
        </Field>
        {errors?.fields.events ? (
          <p className="ui-field-error" role="alert">
            {errors.fields.events}
          </p>
        ) : null}
      </fieldset>
      <FormError message={errors?.general ?? errors?.fields.active} />
    </FormDialog>
  );
}
