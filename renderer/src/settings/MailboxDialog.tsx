import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import { useProjects } from '../api/queries/projects.ts';
import type { Mailbox, MailboxCreateBody, MailboxPatchBody } from '../api/types.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import { Field, FormError } from '../components/Field.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { formErrorsOf } from '../components/formErrors.ts';

interface ServerForm {
  host: string;
  port: string;
  secure: boolean;
  user: string;
  password: string;
}

/**
 * Server settings of providers that allow IMAP with an (app) password. Not Microsoft 365:
 * Exchange Online accepts only OAuth for IMAP, which LocalDesk does not support yet (README).
 */
const presets = {
  gmail: {
    label: 'Gmail / Google Workspace',
    imap: { host: 'imap.gmail.com', port: '993', secure: true },
    smtp: { host: 'smtp.gmail.com', port: '465', secure: true },
  },
} as const;

const fields = [
  'name', 'address', 'projectId', 'active',
  'imap.host', 'imap.port', 'imap.secure', 'imap.user', 'imap.password',
  'smtp.host', 'smtp.port', 'smtp.secure', 'smtp.user', 'smtp.password',
] as const;

function serverForm(from?: Mailbox['imap']): ServerForm {
  return { host: from?.host ?? '', port: from ? String(from.port) : '', secure: from?.secure ?? true, user: from?.user ?? '', password: '' };
}

/** What the API takes for one server: a port left empty follows `secure`; an empty password keeps the stored one. */
function serverBody(form: ServerForm, editing: boolean) {
  return {
    host: form.host,
    secure: form.secure,
    user: form.user,
    ...(form.port.trim() ? { port: Number(form.port) } : {}),
    ...(form.password || !editing ? { password: form.password } : {}),
  };
}

/** Connect a mailbox, or change one: IMAP to fetch, SMTP to send. */
export function MailboxDialog({ mailbox, onClose, onSaved }: { mailbox?: Mailbox; onClose: () => void; onSaved: (mailbox: Mailbox) => void }) {
  const { api, queryClient } = useTeamApi();
  const projects = useProjects();
  const editing = mailbox !== undefined;
  const [name, setName] = useState(mailbox?.name ?? '');
  const [address, setAddress] = useState(mailbox?.address ?? '');
  const [projectId, setProjectId] = useState(mailbox?.projectId ?? '');
  const [imap, setImap] = useState<ServerForm>(serverForm(mailbox?.imap));
  const [smtp, setSmtp] = useState<ServerForm>(() => (mailbox ? serverForm(mailbox.smtp) : { ...serverForm(), secure: false }));

  const save = useMutation({
    mutationFn: async () => {
      const common = { name, address, projectId: projectId || null, imap: serverBody(imap, editing), smtp: serverBody(smtp, editing) };
      if (mailbox) return (await api.patch<Mailbox>(`/mailboxes/${mailbox.id}`, common as MailboxPatchBody)).data;
      return (await api.post<Mailbox>('/mailboxes', { ...common, active: true } as MailboxCreateBody)).data;
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
      onSaved(saved);
    },
  });
  const errors = save.error ? formErrorsOf(save.error, fields) : null;

  const applyPreset = (key: keyof typeof presets) => {
    const p = presets[key];
    setImap((f) => ({ ...f, ...p.imap, user: f.user || address }));
    setSmtp((f) => ({ ...f, ...p.smtp, user: f.user || address }));
  };

  const server = (kind: 'imap' | 'smtp', form: ServerForm, set: (f: ServerForm) => void) => {
    const e = errors?.fields;
    const label = kind === 'imap' ? 'Incoming mail (IMAP)' : 'Outgoing mail (SMTP)';
    const secureHelp = kind === 'imap' ? 'TLS from the start (993); off: STARTTLS when offered (143)' : 'TLS from the start (465); off: STARTTLS when offered (587)';
    return (
      <fieldset className="st-mail-server">
        <legend>{label}</legend>
        <div className="st-mail-row">
          <Field id={`${kind}-host`} label="Server" error={e?.[`${kind}.host`]} className="st-mail-host">
            <input className="ui-mono" value={form.host} onChange={(ev) => set({ ...form, host: ev.target.value })} autoComplete="off" placeholder={kind === 'imap' ? 'imap.example.com' : 'smtp.example.com'} />
          </Field>
          <Field id={`${kind}-port`} label="Port" error={e?.[`${kind}.port`]} className="st-mail-port">
            <input inputMode="numeric" className="ui-mono" value={form.port} onChange={(ev) => set({ ...form, port: ev.target.value.replace(/\D/g, '') })} placeholder="auto" />
          </Field>
        </div>
        <label className="check" title={secureHelp}>
          <input type="checkbox" checked={form.secure} onChange={(ev) => set({ ...form, secure: ev.target.checked })} />
          <span>
            Use TLS <span className="muted small">— {secureHelp}</span>
          </span>
        </label>
        <div className="st-mail-row">
          <Field id={`${kind}-user`} label="User name" error={e?.[`${kind}.user`]}>
            <input value={form.user} onChange={(ev) => set({ ...form, user: ev.target.value })} autoComplete="off" />
          </Field>
          <Field
            id={`${kind}-password`}
            label="Password"
            error={e?.[`${kind}.password`]}
            hint={editing ? 'Leave empty to keep the stored one' : 'For Gmail, an app password'}
          >
            <input type="password" value={form.password} onChange={(ev) => set({ ...form, password: ev.target.value })} autoComplete="new-password" />
          </Field>
        </div>
      </fieldset>
    );
  };

  return (
    <FormDialog
      title={editing ? `Edit ${mailbox.name}` : 'Connect a mailbox'}
      description="LocalDesk reads new mail from INBOX and sends agents' replies. Passwords are stored encrypted and never shown again."
      size="large"
      onClose={onClose}
      submitLabel={editing ? 'Save' : 'Connect mailbox'}
      pendingLabel="Saving…"
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <div className="st-mail-row">
        <Field id="mailbox-name" label="Name" hint="The sender name customers see" error={errors?.fields.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme Support" autoComplete="off" />
        </Field>
        <Field id="mailbox-address" label="Address" error={errors?.fields.address}>
          <input type="email" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="support@example.com" autoComplete="off" />
        </Field>
      </div>
      <div className="st-mail-row">
        <Field id="mailbox-project" label="Project" hint="New tickets from this mailbox go here" error={errors?.fields.projectId}>
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">No project (the default mailbox)</option>
            {(projects.data ?? []).filter((p) => p.active || p.id === projectId).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="mailbox-preset" label="Fill in for" hint="Server names and ports of a provider">
          <select value="" onChange={(e) => e.target.value && applyPreset(e.target.value as keyof typeof presets)}>
            <option value="">Choose a provider…</option>
            {Object.entries(presets).map(([key, p]) => (
              <option key={key} value={key}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {server('imap', imap, setImap)}
      {server('smtp', smtp, setSmtp)}
      <FormError message={errors?.general ?? errors?.fields.active} />
    </FormDialog>
  );
}
