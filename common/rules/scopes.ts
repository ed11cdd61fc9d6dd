// What an API key or a session may do. Pure: used by the server's authorisation, the renderer's
// permission-aware UI and the key dialog.

export const scopes = [
  'tickets:read',
  'tickets:write',
  'conversations:read',
  'conversations:write',
  'contacts:read',
  'contacts:write',
  'analytics:read',
  'events:read',
  'admin',
] as const;

export type Scope = (typeof scopes)[number];

/** `admin` implies every other scope. */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}

/**
 * What a person signed in with a password may do: an agent works tickets, conversations and
 * contacts, reads analytics and the feed; an admin also holds `admin`. Sessions get these from
 * the user's role at every request, so a demotion takes effect on the next one.
 */
export const agentScopes: readonly Scope[] = [
  'tickets:read',
  'tickets:write',
  'conversations:read',
  'conversations:write',
  'contacts:read',
  'contacts:write',
  'analytics:read',
  'events:read',
];

export function roleScopes(role: 'admin' | 'agent'): Scope[] {
  return role === 'admin' ? [...agentScopes, 'admin'] : [...agentScopes];
}
