import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { ImportSource } from '../../../common/rules/imports.ts';
import { priorities, ticketStatuses } from '../../../common/rules/tickets.ts';
import type { CsvMapping, ImportCreateBody, ImportFile, ImportJob } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { formErrorsOf, type FormErrors, noErrors } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { Segmented } from '../components/Segmented.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { CsvMappingFields } from './CsvMappingFields.tsx';
import { type ColumnMapping, guessMapping, parseValueMap } from './csvMapping.ts';
import { ImportJobCard } from './ImportJobCard.tsx';
import { importKeys, sourceLabels, uploadCsv, useImports } from './imports.ts';
import { SectionHeader, useNotice } from './Section.tsx';
import './imports.css';

const fields = ['url', 'email', 'token', 'apiKey', 'appId', 'appSecret', 'fileId', 'mapping'] as const;
type FieldName = (typeof fields)[number];
const sourceOptions = (Object.keys(sourceLabels) as ImportSource[]).map((value) => ({ value, label: sourceLabels[value] }));

/** Settings → Import: move a desk in from another helpdesk or a CSV file, and follow the jobs. */
export function ImportSection() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const jobs = useImports();
  const notice = useNotice();
  const [source, setSource] = useState<ImportSource>('zendesk');
  const [values, setValues] = useState({ url: '', email: '', token: '', apiKey: '', appId: '', appSecret: '' });
  const [file, setFile] = useState<ImportFile | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [dateFormat, setDateFormat] = useState('');
  const [timezone, setTimezone] = useState('');
  const [statusWords, setStatusWords] = useState('');
  const [priorityWords, setPriorityWords] = useState('');
  const [dryRun, setDryRun] = useState(true);
  const [full, setFull] = useState(false);
  const [errors, setErrors] = useState<FormErrors<FieldName>>(noErrors);
  const set = (name: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [name]: e.target.value }));

  const upload = useMutation({
    mutationFn: (chosen: File) => uploadCsv(api, chosen),
    onMutate: () => setErrors(noErrors),
    onSuccess: (uploaded) => {
      setFile(uploaded);
      setMapping(guessMapping(uploaded.headers));
    },
    onError: (err) => setErrors({ fields: { fileId: formErrorsOf(err, fields).general ?? 'The file could not be read.' }, general: null }),
  });

  const start = useMutation({
    mutationFn: async (body: ImportCreateBody) => (await api.post<ImportJob>('/imports', body)).data,
    onMutate: () => setErrors(noErrors),
    onSuccess: (job) => {
      toast(job.dryRun ? 'Dry run started: nothing will change' : 'Import started', 'success');
      setValues((v) => ({ ...v, token: '', apiKey: '', appSecret: '' }));
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    },
    onError: (err) => setErrors(formErrorsOf(err, fields)),
  });

  const cancel = useMutation({
    mutationFn: async (job: ImportJob) => (await api.post<ImportJob>(`/imports/${job.id}/cancel`)).data,
    onError: notice.report,
    onSuccess: () => toast('Import cancelled', 'success'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: importKeys.list }),
  });

  function body(): ImportCreateBody {
    const common = { dryRun, full };
    if (source === 'zendesk') return { source, url: values.url, email: values.email, token: values.token, ...common };
    if (source === 'freshdesk') return { source, url: values.url, apiKey: values.apiKey, ...common };
    if (source === 'helpscout') return { source, ...(values.url ? { url: values.url } : {}), appId: values.appId, appSecret: values.appSecret, ...common };
    if (!file) throw new Error('Choose a CSV file first.');
    const statusValues = parseValueMap(statusWords, ticketStatuses);
    const priorityValues = parseValueMap(priorityWords, priorities);
    const problem = statusValues.error ?? priorityValues.error;
    if (problem) throw new Error(`${statusValues.error ? 'Status words' : 'Priority words'}: ${problem}`);
    const csvMapping: CsvMapping = {
      ...mapping,
      delimiter: file.delimiter as CsvMapping['delimiter'],
      ...(dateFormat.trim() ? { dateFormat: dateFormat.trim() } : {}),
      ...(timezone.trim() ? { timezone: timezone.trim() } : {}),
      ...(Object.keys(statusValues.values).length > 0 ? { statusValues: statusValues.values } : {}),
      ...(Object.keys(priorityValues.values).length > 0 ? { priorityValues: priorityValues.values } : {}),
    };
    return { source, fileId: file.id, mapping: csvMapping, ...common };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    try {
      start.mutate(body());
    } catch (err) {
      setErrors({ fields: file ? { mapping: (err as Error).message } : { fileId: (err as Error).message }, general: null });
    }
  }

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader
        title="Import"
        description="Move in from Zendesk, Freshdesk, Help Scout or a CSV file: users, customers, tickets and their conversations, with their original times. Run it again later to bring only what changed. Imported history does not trigger webhooks or workflows."
      />
      {notice.banner}
      <form className="card st-card im-form" onSubmit={submit} aria-label="New import">
        <Segmented label="Import from" options={sourceOptions} value={source} onChange={setSource} />
        {source === 'csv' ? (
          <>
            <Field id="im-file" label="CSV file" error={errors.fields.fileId} hint="UTF-8, with a header row. It is uploaded to this desk and kept for a day.">
              <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => e.target.files?.[0] && upload.mutate(e.target.files[0])} />
            </Field>
            {upload.isPending ? <p className="muted small">Uploading…</p> : null}
            {file ? (
              <CsvMappingFields
                file={file}
                mapping={mapping}
                onChange={setMapping}
                dateFormat={dateFormat}
                onDateFormat={setDateFormat}
                timezone={timezone}
                onTimezone={setTimezone}
                statusWords={statusWords}
                onStatusWords={setStatusWords}
                priorityWords={priorityWords}
                onPriorityWords={setPriorityWords}
              />
            ) : null}
            {errors.fields.mapping ? <FormError message={errors.fields.mapping} /> : null}
          </>
        ) : (
          <div className="im-credentials">
            <Field id="im-url" label={source === 'helpscout' ? 'API address (optional)' : 'Account address'} error={errors.fields.url}>
              <input value={values.url} onChange={set('url')} placeholder={source === 'zendesk' ? 'https://acme.zendesk.com' : source === 'freshdesk' ? 'https://acme.freshdesk.com' : 'https://api.helpscout.net'} />
            </Field>
            {source === 'zendesk' ? (
              <>
                <Field id="im-email" label="Agent e-mail" error={errors.fields.email}>
                  <input type="email" value={values.email} onChange={set('email')} autoComplete="off" />
                </Field>
                <Field id="im-token" label="API token" error={errors.fields.token} hint="Used for this run only: never stored or shown again.">
                  <input type="password" value={values.token} onChange={set('token')} autoComplete="off" />
                </Field>
              </>
            ) : source === 'freshdesk' ? (
              <Field id="im-apikey" label="API key" error={errors.fields.apiKey} hint="Used for this run only: never stored or shown again.">
                <input type="password" value={values.apiKey} onChange={set('apiKey')} autoComplete="off" />
              </Field>
            ) : (
              <>
                <Field id="im-appid" label="App ID" error={errors.fields.appId}>
                  <input value={values.appId} onChange={set('appId')} autoComplete="off" />
                </Field>
                <Field id="im-appsecret" label="App secret" error={errors.fields.appSecret} hint="Used for this run only: never stored or shown again.">
                  <input type="password" value={values.appSecret} onChange={set('appSecret')} autoComplete="off" />
                </Field>
              </>
            )}
          </div>
        )}
        <div className="im-options">
          <label>
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run: report what would happen, change nothing
          </label>
          <label>
            <input type="checkbox" checked={full} onChange={(e) => setFull(e.target.checked)} /> Read everything again (instead of only what changed since the last import)
          </label>
        </div>
        <FormError message={errors.general} />
        <div>
          <button type="submit" className="primary" disabled={start.isPending || upload.isPending}>
            <Icon name="archive" /> {dryRun ? 'Start dry run' : 'Start import'}
          </button>
        </div>
      </form>
      <div className="card st-card">
        {jobs.isPending ? (
          <SkeletonRows rows={2} />
        ) : jobs.isError ? (
          <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
        ) : jobs.data.length === 0 ? (
          <EmptyState icon="archive" title="No imports yet">
            Start with a dry run: it shows what would be created, updated, skipped and refused.
          </EmptyState>
        ) : (
          <ul className="im-jobs" aria-label="Imports">
            {jobs.data.map((job) => (
              <ImportJobCard key={job.id} job={job} cancelling={cancel.isPending} onCancel={() => cancel.mutate(job)} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
