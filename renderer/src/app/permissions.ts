// What the signed-in key may do (GET /auth/me's scopes), so the UI hides or disables what the
// API would refuse instead of failing after the agent acted. The server stays the judge.
import { hasScope } from '../../../common/rules/scopes.ts';
import type { Scope } from '../api/types.ts';
import { useSession } from './context.tsx';

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
