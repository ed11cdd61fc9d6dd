import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.ts';
import type { Scope, User } from '../api/types.ts';

export interface Session {
  api: ApiClient;
  me: User;
  /** The key's scopes in force (see permissions.ts); null when unknown. */
  scopes: readonly Scope[] | null;
  signOut: () => void;
  live: 'connecting' | 'live' | 'offline';
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session: the API client and the current user. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in app');
  return session;
}
