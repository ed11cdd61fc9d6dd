import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import { useUsers } from '../api/queries/users.ts';
import type { Invitation, InvitationWithUrl, User } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { usePermissions } from '../app/permissions.ts';
import { CopyButton } from '../components/CopyButton.tsx';
import { toast } from '../components/toast.tsx';
import { SectionHeader, useNotice } from './Section.tsx';
import { UsersSection } from './UsersSection.tsx';

/**
 * The team: invite a teammate by e-mail (the one-time link to hand them), resend or revoke a
 * pending invitation, reset someone's password; roles and deactivation below (UsersSection).
 */
export function TeamSection() {
  const { api } = useSession();
  const qc = useQueryClient();
  const { can, why } = usePermissions();
  const admin = can('admin');
  const { report, banner } = useNotice();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<User['role']>('agent');
  const [link, setLink] = useState<InvitationWithUrl | null>(null);
  const invitations = useQuery({
    queryKey: queryKeys.invitations,
    queryFn: async ({ signal }) => (await api.get<Invitation[]>('/invitations', { query: { status: 'pending,expired', limit: 100 }, signal })).data,
    enabled: admin,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: queryKeys.invitations });
  const invite = useMutation({
    mutationFn: async () => (await api.post<InvitationWithUrl>('/invitations', { email: email.trim(), role })).data,
    onSuccess: (created) => {
      setLink(created);
      setEmail('');
      void refresh();
    },
    onError: report,
  });
  const resend = useMutation({
    mutationFn: async (id: string) => (await api.post<InvitationWithUrl>(`/invitations/${id}/resend`)).data,
    onSuccess: (created) => {
      setLink(created);
      void refresh();
    },
    onError: report,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/invitations/${id}`),
    onSuccess: () => {
      toast('Invitation revoked');
      void refresh();
    },
    onError: report,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) invite.mutate();
  }
  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader title="Team" description="Invite teammates: each signs in as themselves with a password of their own." />
      {banner}
      <form className="card st-form" onSubmit={submit} aria-label="Invite a teammate">
        <label htmlFor="invite-email">E-mail address</label>
        <input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} disabled={!admin} />
        <label htmlFor="invite-role">Role</label>
        <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as User['role'])} disabled={!admin}>
          <option value="agent">Agent</option>
          <option value="admin">Admin</option>
        </select>
        <button type="submit" className="primary" disabled={!admin || !email.trim() || invite.isPending} title={admin ? undefined : why('admin')}>
          Invite
        </button>
      </form>
      {link ? (
        <div className="card" role="status" aria-label="Invitation link">
          <p>
            Send this link to <strong>{link.email}</strong>. It works once, until {new Date(link.expiresAt).toLocaleDateString()}, and is not shown again.
          </p>
          <input readOnly aria-label="Invitation link" value={link.url} onFocus={(e) => e.target.select()} />
          <CopyButton text={link.url} label="Copy link" />
        </div>
      ) : null}
      {admin && (invitations.data?.length ?? 0) > 0 ? (
        <table className="card st-table" aria-label="Pending invitations">
          <thead>
            <tr>
              <th>Invited</th>
              <th>Role</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {invitations.data?.map((inv) => (
              <tr key={inv.id}>
                <td>{inv.email}</td>
                <td>{inv.role}</td>
                <td>{inv.status}</td>
                <td>
                  <button type="button" className="ui-ghost ui-btn-small" onClick={() => resend.mutate(inv.id)}>
                    Resend
                  </button>
                  <button type="button" className="ui-ghost ui-btn-small danger" onClick={() => revoke.mutate(inv.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {admin ? <ResetPassword /> : null}
      <UsersSection />
    </section>
  );
}

/**
 * An admin sets a new password for someone who lost theirs (all their sessions end), or signs
 * someone out of every device (a lost laptop) without changing the password.
 */
function ResetPassword() {
  const { api } = useSession();
  const users = useUsers().data ?? [];
  const { report, banner } = useNotice();
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const signOutAll = useMutation({
    mutationFn: () => api.delete(`/users/${userId}/sessions`),
    onSuccess: () => toast('Signed out of every device'),
    onError: report,
  });
  const reset = useMutation({
    mutationFn: async () => (await api.post<{ sessionsEnded: number }>(`/users/${userId}/password`, { password })).data,
    onSuccess: (done) => {
      setPassword('');
      toast(`Password reset; ${done.sessionsEnded} session(s) ended`);
    },
    onError: report,
  });
  return (
    <form
      className="card st-form"
      aria-label="Reset a password"
      onSubmit={(e) => {
        e.preventDefault();
        if (userId && password) reset.mutate();
      }}
    >
      {banner}
      <label htmlFor="reset-user">Reset the password of, or sign out</label>
      <select id="reset-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
        <option value="">Choose a user…</option>
        {users.filter((u) => u.active).map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} ({u.email})
          </option>
        ))}
      </select>
      <label htmlFor="reset-password">New password</label>
      <input id="reset-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" disabled={!userId || !password || reset.isPending}>
        Reset password
      </button>
      <button type="button" className="ui-ghost" disabled={!userId || signOutAll.isPending} onClick={() => signOutAll.mutate()}>
        Sign out of every device
      </button>
    </form>
  );
}
