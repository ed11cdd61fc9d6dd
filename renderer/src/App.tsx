import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, type Me, type TicketRow, getMe, listTickets } from './api.ts';
import { clearKey, loadKey, saveKey } from './session.ts';

type View =
  | { kind: 'checking' }
  | { kind: 'signedOut'; error: string | null }
  | { kind: 'signedIn'; me: Me; tickets: TicketRow[]; total: number; ticketsError: string | null };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : 'Something went wrong.';
}

/** Checks the key, then loads the first tickets; a failed ticket list is not a failed sign-in. */
async function openSession(apiKey: string): Promise<View> {
  const { data: me } = await getMe(apiKey);
  try {
    const page = await listTickets(apiKey);
    const total = page.meta?.total ?? page.data.length;
    return { kind: 'signedIn', me, tickets: page.data, total, ticketsError: null };
  } catch (err) {
    return { kind: 'signedIn', me, tickets: [], total: 0, ticketsError: messageOf(err) };
  }
}

function signInFailed(err: unknown): View {
  // A rejected key must not be offered again on the next visit.
  if (err instanceof ApiError && err.status === 401) clearKey();
  return { kind: 'signedOut', error: messageOf(err) };
}

export function App() {
  const [view, setView] = useState<View>(() =>
    loadKey() ? { kind: 'checking' } : { kind: 'signedOut', error: null },
  );

  useEffect(() => {
    const stored = loadKey();
    if (!stored) return;
    let current = true;
    void openSession(stored.apiKey)
      .catch(signInFailed)
      .then((next) => {
        if (current) setView(next);
      });
    return () => {
      current = false;
    };
  }, []);

  async function signIn(apiKey: string, remember: boolean) {
    try {
      const next = await openSession(apiKey);
      saveKey(apiKey, remember);
      setView(next);
    } catch (err) {
      setView(signInFailed(err));
    }
  }

  function signOut() {
    clearKey();
    setView({ kind: 'signedOut', error: null });
  }

  return (
    <div className="page">
      <header className="masthead">
        <h1>LocalDesk</h1>
        <a href="/api/v1/docs">API reference</a>
      </header>
      <main>
        {view.kind === 'checking' && <p className="muted">Checking your saved key…</p>}
        {view.kind === 'signedOut' && <SignInForm error={view.error} onSignIn={signIn} />}
        {view.kind === 'signedIn' && (
          <>
            <div className="session">
              <p>
                Signed in as <strong>{view.me.name}</strong> ({view.me.role})
              </p>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </div>
            {view.ticketsError ? (
              <p className="error" role="alert">
                {view.ticketsError}
              </p>
            ) : (
              <TicketTable tickets={view.tickets} total={view.total} />
            )}
          </>
        )}
      </main>
    </div>
  );
}

interface SignInFormProps {
  error: string | null;
  onSignIn: (apiKey: string, remember: boolean) => Promise<void>;
}

function SignInForm({ error, onSignIn }: SignInFormProps) {
  const [apiKey, setApiKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    await onSignIn(apiKey.trim(), remember);
    setBusy(false);
  }

  return (
    <form className="card" onSubmit={submit}>
      <h2>Sign in</h2>
      <label htmlFor="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        value={apiKey}
        onChange={(e) => setApiKey(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <label className="check">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        Remember on this device
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || apiKey.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function TicketTable({ tickets, total }: { tickets: TicketRow[]; total: number }) {
  if (tickets.length === 0) return <p className="empty">No tickets yet</p>;
  return (
    <section>
      <h2>
        Tickets <span className="muted">({tickets.length} of {total})</span>
      </h2>
      <table>
        <thead>
          <tr>
            <th>Subject</th>
            <th>Status</th>
            <th>Priority</th>
            <th>Contact</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((t) => (
            <tr key={t.id}>
              <td>{t.subject}</td>
              <td>{t.status}</td>
              <td>{t.priority}</td>
              <td>{t.contactEmail ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
