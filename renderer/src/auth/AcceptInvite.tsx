import { type FormEvent, useState } from 'react';
import { ApiClient } from '../api/client.ts';

/** The token after `#token=` in the invitation link (never sent to the server in the URL). */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** An invitee's first visit: choose a name and a password, and be signed in. */
export function AcceptInvite({ onSignedIn }: { onSignedIn: () => void }) {
  const [token] = useState(tokenFromHash);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(token ? null : 'This link has no invitation in it. Ask for a new one.');
  const [busy, setBusy] = useState(false);
  function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    new ApiClient({ getKey: () => null })
      .post('/invitations/accept', { token, name: name.trim(), password })
      .then(onSignedIn)
      .catch((err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err.message : 'Something went wrong.');
      });
  }
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="invite-title">
        <h1 id="invite-title" className="brand">Join LocalDesk</h1>
        <p className="muted">You were invited to your team's helpdesk. Choose your name and a password.</p>
        <label htmlFor="invite-name">Your name</label>
        <input id="invite-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        <label htmlFor="invite-password">Password</label>
        <input
          id="invite-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby="invite-password-hint"
        />
        <p id="invite-password-hint" className="muted small">
          At least 10 characters; not a common password.
        </p>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !token || !name.trim() || !password}>
          {busy ? 'Joining…' : 'Join and sign in'}
        </button>
      </form>
    </main>
  );
}
