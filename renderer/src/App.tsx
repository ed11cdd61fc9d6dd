import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient, ApiError } from './api/client.ts';
import { connectLive } from './api/live.ts';
import type { Whoami } from './api/types.ts';
import type { Scope, User } from './api/types.ts';
import { SessionContext } from './app/context.tsx';
import { Layout } from './app/Layout.tsx';
import { applyLiveEvent } from './app/liveSync.ts';
import { Routes } from './app/routes.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { AcceptInvite } from './auth/AcceptInvite.tsx';
import { publishLive } from './app/liveBus.ts';
import { type KeySource, clearKey, initialKey, saveKey } from './session.ts';

type State =
  | { kind: 'checking' }
  | { kind: 'signedOut'; error: string | null; busy: boolean }
  // apiKey null: signed in with a password; the HttpOnly session cookie authenticates.
  | { kind: 'signedIn'; apiKey: string | null; source: KeySource | 'password'; me: User; scopes: readonly Scope[] | null };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : 'Something went wrong.';
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'checking' });
  const [live, setLive] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const queryClient = useMemo(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } } }),
    [],
  );

  const [invitePage, setInvitePage] = useState(() => window.location.pathname === '/accept-invite');
  const byPassword = state.kind === 'signedIn' && state.apiKey === null;
  const signOut = useCallback(
    (message: string | null = null) => {
      // A password session ends on the server too, so its cookie is dead even if copied.
      if (byPassword) void new ApiClient({ getKey: () => null }).post('/auth/logout').catch(() => undefined);
      clearKey();
      queryClient.clear();
      setState({ kind: 'signedOut', error: message, busy: false });
    },
    [queryClient, byPassword],
  );

  const signedIn = state.kind === 'signedIn';
  const apiKey = state.kind === 'signedIn' ? state.apiKey : null;
  const api = useMemo(
    () =>
      new ApiClient({
        getKey: () => apiKey,
        onUnauthorized: (message) => signOut(`${message}. Sign in again.`),
      }),
    [apiKey, signOut],
  );

  const check = useCallback(async (key: string | null, source: KeySource | 'password') => {
    const probe = new ApiClient({ getKey: () => key });
    // The caller's user and the scopes in force decide which actions the UI offers. A server
    // without /auth/me gets a UI that offers everything; its answers say what is refused.
    const whoami = await probe.get<Whoami>('/auth/me').then(
      (res) => res.data,
      async (err: unknown) => {
        if (!(err instanceof ApiError) || err.status !== 404) throw err;
        return { user: (await probe.get<User>('/users/me')).data, scopes: null };
      },
    );
    setState({ kind: 'signedIn', apiKey: key, source, me: whoami.user, scopes: whoami.scopes });
  }, []);

  useEffect(() => {
    if (invitePage) return;
    void initialKey().then(async (found) => {
      if (!found) {
        // No key kept here: a password session from earlier may still be alive in its cookie.
        return check(null, 'password').catch(() => setState({ kind: 'signedOut', error: null, busy: false }));
      }
      try {
        await check(found.apiKey, found.source);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) clearKey();
        setState({ kind: 'signedOut', error: messageOf(err), busy: false });
      }
    });
  }, [check, invitePage]);

  useEffect(() => {
    if (!signedIn) return;
    return connectLive({
      url: '/api/v1/events/stream?include=presence,notifications',
      getKey: () => apiKey,
      onEvent: (event) => applyLiveEvent(queryClient, event),
      onMessage: publishLive,
      onStatus: setLive,
      onUnauthorized: () =>
        signOut(apiKey ? 'Your API key is no longer valid. Sign in again.' : 'Your session has ended. Sign in again.'),
    });
  }, [signedIn, apiKey, queryClient, signOut]);

  if (invitePage) {
    return (
      <AcceptInvite
        onSignedIn={() => {
          window.history.replaceState(null, '', '/inbox');
          setInvitePage(false);
          void check(null, 'password').catch((err: unknown) => setState({ kind: 'signedOut', error: messageOf(err), busy: false }));
        }}
      />
    );
  }
  if (state.kind === 'checking') return <div className="splash" aria-busy="true" />;
  if (state.kind === 'signedOut') {
    return (
      <SignIn
        error={state.error}
        busy={state.busy}
        onPassword={(email, password) => {
          setState({ kind: 'signedOut', error: null, busy: true });
          new ApiClient({ getKey: () => null })
            .post('/auth/login', { email, password })
            .then(() => check(null, 'password'))
            .catch((err: unknown) => setState({ kind: 'signedOut', error: messageOf(err), busy: false }));
        }}
        onSubmit={(key, remember) => {
          setState({ kind: 'signedOut', error: null, busy: true });
          check(key, remember ? 'remembered' : 'session')
            .then(() => saveKey(key, remember))
            .catch((err: unknown) => setState({ kind: 'signedOut', error: messageOf(err), busy: false }));
        }}
      />
    );
  }
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={{ api, me: state.me, scopes: state.scopes, signOut: () => signOut(null), live }}>
        <Layout>
          <Routes />
        </Layout>
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}
