// What the signed-in key may do, so the UI hides or disables what the API would refuse instead
// of failing after the agent acted. The server stays the judge; this only reads its rules:
// `admin` implies every scope, and grants nothing while the key's user is not an admin.
import { hasScope } from '../../../common/rules/scopes.ts';
import type { Scope, User } from '../api/types.ts';
import { useSession } from './context.tsx';

/** The scopes in force for a key of this user; null when they could not be read (allow all). */
export function effectiveScopes(keyScopes: readonly Scope[] | null, user: Pick<User, 'role'>): readonly Scope[] | null {
  if (keyScopes === null) return null;
  return user.role === 'admin' ? keyScopes : keyScopes.filter((s) => s !== 'admin');
}

export function allows(scopes: readonly Scope[] | null, scope: Scope): boolean {
  return scopes === null || hasScope(scopes, scope);
}

/** A sentence for a disabled control's title: why it cannot be used. */
export function missingScopeReason(scope: Scope): string {
  return scope === 'admin' ? 'Needs an admin key (scope admin).' : `Your API key cannot do this: it needs the ${scope} scope.`;
}

export function usePermissions() {
  const { scopes } = useSession();
  return {
    can: (scope: Scope) => allows(scopes, scope),
    why: missingScopeReason,
  };
}
