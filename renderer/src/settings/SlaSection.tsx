import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSlaPolicies } from '../api/queries/slaPolicies.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import type { SlaPolicy } from '../api/types.ts';
import { formatMinutes, parseDuration } from '../components/duration.ts';
import { timeAgo } from '../components/format.ts';
import { type FormErrors, formErrorsOf } from '../components/formErrors.ts';
import { ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { SectionHeader } from './Section.tsx';
import { useNow } from '../components/clock.ts';

const defaults: Record<SlaPolicy['priority'], { firstResponseMinutes: number; resolutionMinutes: number }> = {
  urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 },
  high: { firstResponseMinutes: 240, resolutionMinutes: 1440 },
  medium: { firstResponseMinutes: 480, resolutionMinutes: 2880 },
  low: { firstResponseMinutes: 1440, resolutionMinutes: 5760 },
};

const fields = ['firstResponseMinutes', 'resolutionMinutes'] as const;
type Targets = Record<(typeof fields)[number], number>;

/** SLA policies: one row per priority, targets typed the way people say them ("8 h", "2 d"). */
export function SlaSection() {
  const policies = useSlaPolicies();
  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="SLA policies"
        description="How soon each priority must get a first reply and a resolution. Type durations like 45m, 8h, 1d 4h. Changes apply to tickets created from now on."
      />
      <div className="card st-card">
        {policies.isPending ? (
          <SkeletonRows rows={4} />
        ) : policies.isError ? (
          <ErrorState error={policies.error} onRetry={() => void policies.refetch()} />
        ) : (
          <table className="grid st-table st-sla-table">
            <thead>
              <tr>
                <th scope="col">Priority</th>
                <th scope="col">First response within</th>
                <th scope="col">Resolution within</th>
                <th scope="col">
                  <span className="ui-sr-only">Save</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {policies.data.map((p) => (
                <PolicyRow key={p.priority} policy={p} />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function PolicyRow({ policy }: { policy: SlaPolicy }) {
  const now = useNow();
  const { api, queryClient } = useTeamApi();
  const saved: Targets = { firstResponseMinutes: policy.firstResponseMinutes, resolutionMinutes: policy.resolutionMinutes };
  const [draft, setDraft] = useState<Record<keyof Targets, number | null>>(saved);
  const [errors, setErrors] = useState<FormErrors<keyof Targets> | null>(null);
  useEffect(() => setDraft({ firstResponseMinutes: policy.firstResponseMinutes, resolutionMinutes: policy.resolutionMinutes }), [policy.firstResponseMinutes, policy.resolutionMinutes]);

  const save = useMutation({
    mutationFn: async (targets: Targets) => (await api.put<SlaPolicy>(`/sla-policies/${policy.priority}`, targets)).data,
    onMutate: async (targets) => {
      setErrors(null);
      await queryClient.cancelQueries({ queryKey: queryKeys.slaPolicies });
      const previous = queryClient.getQueryData<SlaPolicy[]>(queryKeys.slaPolicies);
      queryClient.setQueryData<SlaPolicy[]>(queryKeys.slaPolicies, (old) => old?.map((p) => (p.priority === policy.priority ? { ...p, ...targets } : p)));
      return { previous };
    },
    onError: (err, _targets, context) => {
      queryClient.setQueryData(queryKeys.slaPolicies, context?.previous);
      setErrors(formErrorsOf(err, fields));
    },
    onSuccess: () => toast(`Saved the ${policy.priority} SLA`, 'success'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.slaPolicies }),
  });

  const dirty = draft.firstResponseMinutes !== saved.firstResponseMinutes || draft.resolutionMinutes !== saved.resolutionMinutes;
  const valid = draft.firstResponseMinutes !== null && draft.resolutionMinutes !== null;
  const isDefault = saved.firstResponseMinutes === defaults[policy.priority].firstResponseMinutes && saved.resolutionMinutes === defaults[policy.priority].resolutionMinutes;

  return (
    <tr>
      <th scope="row">
        <span className={`badge ${policy.priority}`}>{policy.priority}</span>
        <span className="muted small st-sla-changed">{policy.updatedAt ? `changed ${timeAgo(policy.updatedAt, now)}` : 'default'}</span>
      </th>
      {fields.map((field) => (
        <td key={field}>
          <DurationInput
            id={`sla-${policy.priority}-${field}`}
            label={`${policy.priority} ${field === 'firstResponseMinutes' ? 'first response' : 'resolution'} target`}
            minutes={draft[field]}
            serverError={errors?.fields[field]}
            onChange={(minutes) => setDraft((d) => ({ ...d, [field]: minutes }))}
          />
        </td>
      ))}
      <td className="st-actions">
        {errors?.general ? (
          <span className="ui-field-error" role="alert">
            {errors.general}
          </span>
        ) : null}
        {dirty ? (
          <button type="button" className="primary ui-btn-small" disabled={!valid || save.isPending} onClick={() => valid && save.mutate(draft as Targets)}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        ) : !isDefault ? (
          <button type="button" className="ui-ghost ui-btn-small" onClick={() => save.mutate(defaults[policy.priority])}>
            Reset to default
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** A duration field: shows "8 h", accepts anything parseDuration reads, says so when it cannot. */
function DurationInput({ id, label, minutes, serverError, onChange }: { id: string; label: string; minutes: number | null; serverError: string | undefined; onChange: (minutes: number | null) => void }) {
  const [text, setText] = useState(minutes === null ? '' : formatMinutes(minutes));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused && minutes !== null) setText(formatMinutes(minutes));
  }, [minutes, focused]);
  const parsed = parseDuration(text);
  const localError = text.trim() && parsed === null ? 'Try 45m, 8h or 1d 4h' : !text.trim() ? 'Required' : undefined;
  const error = localError ?? serverError;
  return (
    <div className="st-duration">
      <input
        id={id}
        aria-label={label}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-hint`}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          if (parsed !== null) setText(formatMinutes(parsed));
        }}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseDuration(e.target.value));
        }}
      />
      {error ? (
        <span id={`${id}-error`} className="ui-field-error" role="alert">
          {error}
        </span>
      ) : (
        <span id={`${id}-hint`} className="ui-field-hint">
          {parsed === null ? '' : `${parsed.toLocaleString('en-US')} minutes`}
        </span>
      )}
    </div>
  );
}
