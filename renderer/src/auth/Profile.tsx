import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import type { NotificationKind, NotificationPrefs, Session } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { messageOf } from '../components/formErrors.ts';
import { PageHeader } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { useNotificationPrefs } from '../notifications/useNotifications.ts';

const kindLabels: Record<NotificationKind, string> = {
  assigned: 'A ticket is assigned to me',
  customer_replied: 'A customer replies on my ticket',
  mentioned: 'A teammate @mentions me in a note',
  sla_due: 'My ticket is about to breach its SLA',
};

/** The signed-in person: name, password, where they are signed in, and their notifications. */
export function Profile() {
  const { me } = useSession();
  return (
    <div className="ld-page">
      <PageHeader title="Profile" subtitle={`${me.email} · ${me.role}`} />
      <NameForm />
      <PasswordForm />
      <Sessions />
      <Preferences />
    </div>
  );
}

function NameForm() {
  const { api, me } = useSession();
  const [name, setName] = useState(me.name);
  const save = useMutation({
    mutationFn: () => api.patch('/users/me', { name: name.trim() }),
    onSuccess: () => toast('Name saved; it shows everywhere after a reload'),
    onError: (err) => toast(messageOf(err), 'error'),
  });
  return (
    <form className="card st-form" aria-label="Name" onSubmit={(e) => (e.preventDefault(), save.mutate())}>
      <label htmlFor="profile-name">Name</label>
      <input id="profile-name" value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" disabled={!name.trim() || name.trim() === me.name}>
        Save name
      </button>
    </form>
  );
}

function PasswordForm() {
  const { api, me } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: async () =>
      (await api.post<{ sessionsEnded: number }>(`/users/${me.id}/password`, { password: next, ...(current ? { currentPassword: current } : {}) })).data,
    onSuccess: (done) => {
      setCurrent('');
      setNext('');
      setError(null);
      toast(`Password changed${done.sessionsEnded ? `; ${done.sessionsEnded} other session(s) signed out` : ''}`);
    },
    onError: (err) => setError(messageOf(err)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate();
  }
  return (
    <form className="card st-form" aria-label="Password" onSubmit={submit}>
      <label htmlFor="profile-current">Current password (leave empty if you have none yet)</label>
      <input id="profile-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      <label htmlFor="profile-new">New password</label>
      <input id="profile-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={!next || change.isPending}>
        Change password
      </button>
    </form>
  );
}

function Sessions() {
  const { api } = useSession();
  const qc = useQueryClient();
  const sessions = useQuery({
    queryKey: queryKeys.sessions,
    queryFn: async ({ signal }) => (await api.get<Session[]>('/auth/sessions', { signal })).data,
  });
  const end = useMutation({
    mutationFn: (id: string) => api.delete(`/auth/sessions/${id}`),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
  return (
    <section className="card" aria-label="Where you are signed in">
      <h2>Where you are signed in</h2>
      {(sessions.data?.length ?? 0) === 0 ? <p className="muted small">No password sessions (you use an API key here).</p> : null}
      <ul>
        {sessions.data?.map((s) => (
          <li key={s.id}>
            <strong>{s.device}</strong> · {s.ip} · last seen {new Date(s.lastSeenAt).toLocaleString()}
            {s.current ? (
              <span className="badge"> this browser</span>
            ) : (
              <button type="button" className="ui-ghost ui-btn-small" onClick={() => end.mutate(s.id)}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Preferences() {
  const { api } = useSession();
  const qc = useQueryClient();
  const prefs = useNotificationPrefs().data;
  const save = useMutation({
    mutationFn: async (patch: Partial<NotificationPrefs>) => (await api.patch<NotificationPrefs>('/notifications/preferences', patch)).data,
    onSuccess: (next) => qc.setQueryData(queryKeys.notificationPrefs, next),
    onError: (err) => toast(messageOf(err), 'error'),
  });
  if (!prefs) return null;
  const toggle = (kind: NotificationKind) =>
    save.mutate({ kinds: prefs.kinds.includes(kind) ? prefs.kinds.filter((k) => k !== kind) : [...prefs.kinds, kind] });
  return (
    <section className="card" aria-label="Notifications">
      <h2>Notify me when</h2>
      {(Object.keys(kindLabels) as NotificationKind[]).map((kind) => (
        <label key={kind} className="check">
          <input type="checkbox" checked={prefs.kinds.includes(kind)} onChange={() => toggle(kind)} />
          {kindLabels[kind]}
        </label>
      ))}
      <label className="check">
        <input
          type="checkbox"
          checked={prefs.browser}
          onChange={(e) => {
            const on = e.target.checked;
            if (on && typeof Notification !== 'undefined') void Notification.requestPermission();
            save.mutate({ browser: on });
          }}
        />
        Also show browser notifications
      </label>
    </section>
  );
}
