import { type FormEvent, useState } from 'react';

export interface SignInProps {
  error: string | null;
  busy: boolean;
  /** E-mail and password: the server sets a session cookie. */
  onPassword: (email: string, password: string) => void;
  /** The advanced way in: an API key, checked against /auth/me, kept only as the user chooses. */
  onSubmit: (apiKey: string, remember: boolean) => void;
}

/** The browser's way in: e-mail and password first; pasting an API key stays as an option. */
export function SignIn({ error, busy, onPassword, onSubmit }: SignInProps) {
  const [useKey, setUseKey] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [remember, setRemember] = useState(false);
  function submitPassword(event: FormEvent) {
    event.preventDefault();
    if (email.trim() && password) onPassword(email.trim(), password);
  }
  function submitKey(event: FormEvent) {
    event.preventDefault();
    if (apiKey.trim()) onSubmit(apiKey.trim(), remember);
  }
  const alert = error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null;
  if (!useKey) {
    return (
      <main className="signin">
        <form className="card signin-card" onSubmit={submitPassword} aria-labelledby="signin-title">
          <h1 id="signin-title" className="brand">LocalDesk</h1>
          <p className="muted">Sign in with your e-mail address and password.</p>
          <label htmlFor="signin-email">E-mail</label>
          <input id="signin-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {alert}
          <button type="submit" className="primary" disabled={busy || !email.trim() || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          <button type="button" className="link" onClick={() => setUseKey(true)}>
            Use an API key instead
          </button>
        </form>
      </main>
    );
  }
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submitKey} aria-labelledby="signin-title">
        <h1 id="signin-title" className="brand">LocalDesk</h1>
        <p className="muted">Sign in with an API key. The first admin key is printed when the server starts for the first time.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="ldk_…"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          autoFocus
        />
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember on this device
        </label>
        {alert}
        <button type="submit" className="primary" disabled={busy || !apiKey.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <button type="button" className="link" onClick={() => setUseKey(false)}>
          Use e-mail and password
        </button>
        <a className="muted small" href="/api/v1/docs">
          API reference
        </a>
      </form>
    </main>
  );
}
