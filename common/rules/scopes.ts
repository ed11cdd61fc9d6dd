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
