import { z } from 'zod';

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
export const ScopeSchema = z.enum(scopes);

/** `admin` implies every other scope. */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
