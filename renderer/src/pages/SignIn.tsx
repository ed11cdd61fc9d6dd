import { type FormEvent, useState } from 'react';

export interface SignInProps {
  error: string | null;
  busy: boolean;
  onSubmit: (apiKey: string, remember: boolean) => void;
}

/** The browser's way in: an API key, checked against /users/me, kept only as the user chooses. */
export function SignIn({ error, busy, onSubmit }: SignInProps) {
  const [apiKey, setApiKey] = useState('');
  const [remember, setRemember] = useState(false);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (apiKey.trim()) onSubmit(apiKey.trim(), remember);
  }
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
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
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !apiKey.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <a className="muted small" href="/api/v1/docs">
          API reference
        </a>
      </form>
    </main>
  );
}
