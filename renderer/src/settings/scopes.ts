// Scope sets for API keys: the checkboxes' rules (admin implies everything; write needs read),
// presets, and a short human description. Pure, so it is unit-tested.
import type { Scope } from '../api/types.ts';
import { scopes } from '../../../common/rules/scopes.ts';

export const scopeOrder: readonly Scope[] = scopes;

export interface ScopeGroup {
  label: string;
  read: Scope;
  write: Scope | null;
}

export const scopeGroups: readonly ScopeGroup[] = [
  { label: 'Tickets', read: 'tickets:read', write: 'tickets:write' },
  { label: 'Conversations', read: 'conversations:read', write: 'conversations:write' },
  { label: 'Contacts', read: 'contacts:read', write: 'contacts:write' },
  { label: 'Analytics', read: 'analytics:read', write: null },
  { label: 'Events', read: 'events:read', write: null },
];

export const scopePresets: readonly { name: string; scopes: readonly Scope[] }[] = [
  { name: 'Read only', scopes: ['tickets:read', 'conversations:read', 'contacts:read', 'analytics:read'] },
  {
    name: 'Agent',
    scopes: ['tickets:read', 'tickets:write', 'conversations:read', 'conversations:write', 'contacts:read', 'contacts:write', 'analytics:read', 'events:read'],
  },
  { name: 'Full admin', scopes: ['admin'] },
];

/** In canonical order, without repeats; `admin` alone stands for everything. */
export function normalizeScopes(scopes: Iterable<Scope>): Scope[] {
  const set = new Set(scopes);
  if (set.has('admin')) return ['admin'];
  return scopeOrder.filter((s) => set.has(s));
}

/** Whether `scope` is effectively granted (admin grants all). */
export function grants(scopes: readonly Scope[], scope: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(scope);
}

/**
 * Checks or unchecks one box. Checking a write scope checks its read scope (writing what you
 * cannot read is never what anyone wants); unchecking a read scope unchecks its write scope.
 */
export function toggleScope(scopes: readonly Scope[], scope: Scope, on: boolean): Scope[] {
  const set = new Set(scopes);
  const group = scopeGroups.find((g) => g.read === scope || g.write === scope);
  if (on) {
    set.add(scope);
    if (group && group.write === scope) set.add(group.read);
  } else {
    set.delete(scope);
    if (group && group.read === scope && group.write) set.delete(group.write);
  }
  return normalizeScopes(set);
}

/** The same set, order aside? (for highlighting the matching preset) */
export function sameScopes(a: readonly Scope[], b: readonly Scope[]): boolean {
  const x = normalizeScopes(a);
  const y = normalizeScopes(b);
  return x.length === y.length && x.every((s, i) => s === y[i]);
}

/** One short phrase per resource the scopes reach: "Tickets read/write", "Analytics". */
export function scopeParts(scopes: readonly Scope[]): string[] {
  if (scopes.includes('admin')) return ['Full access (admin)'];
  return scopeGroups.flatMap((g) => {
    const read = scopes.includes(g.read);
    const write = g.write !== null && scopes.includes(g.write);
    if (!read && !write) return [];
    if (g.write === null) return [g.label];
    return [`${g.label} ${read && write ? 'read/write' : write ? 'write' : 'read'}`];
  });
}

/** "Full access (admin)" or e.g. "Tickets read/write · Contacts read · Analytics". */
export function describeScopes(scopes: readonly Scope[]): string {
  const parts = scopeParts(scopes);
  return parts.length > 0 ? parts.join(' · ') : 'No access';
}
