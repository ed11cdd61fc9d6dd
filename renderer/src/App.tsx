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
import { type KeySource, clearKey, initialKey, saveKey } from './session.ts';

type State =
  | { kind: 'checking' }
  | { kind: 'signedOut'; error: string | null; busy: boolean }
  | { kind: 'signedIn'; apiKey: string; source: KeySource; me: User; scopes: readonly Scope[] | null };

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

  const signOut = useCallback(
    (message: string | null = null) => {
      clearKey();
      queryClient.clear();
      setState({ kind: 'signedOut', error: message, busy: false });
    },
    [queryClient],
  );

  const apiKey = state.kind === 'signedIn' ? state.apiKey : null;
  const api = useMemo(
    () =>
      new ApiClient({
        getKey: () => apiKey,
        onUnauthorized: (message) => signOut(`${message}. Sign in again.`),
      }),
    [apiKey, signOut],
  );

  const check = useCallback(async (key: string, source: KeySource) => {
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
    void initialKey().then(async (found) => {
      if (!found) return setState({ kind: 'signedOut', error: null, busy: false });
      try {
        await check(found.apiKey, found.source);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) clearKey();
        setState({ kind: 'signedOut', error: messageOf(err), busy: false });
      }
    });
  }, [check]);

  useEffect(() => {
    if (!apiKey) return;
    return connectLive({
      url: '/api/v1/events/stream',
      getKey: () => apiKey,
      onEvent: (event) => applyLiveEvent(queryClient, event),
      onStatus: setLive,
      onUnauthorized: () => signOut('Your API key is no longer valid. Sign in again.'),
    });
  }, [apiKey, queryClient, signOut]);

  if (state.kind === 'checking') return <div className="splash" aria-busy="true" />;
  if (state.kind === 'signedOut') {
    return (
      <SignIn
        error={state.error}
        busy={state.busy}
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
