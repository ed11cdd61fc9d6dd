// Small helpers every source shares: timestamps, tags, counting, cursor checks.
import type { z } from 'zod';
import {
  ImportSourceError,
  type ProgressEvent,
  type SourceItem,
  type SourceName,
  type SourceUser,
} from './types.ts';

/**
 * A product timestamp as LocalDesk's ISO-8601 UTC with milliseconds. Accepts ISO strings with or
 * without milliseconds or offset, and Unix seconds (numbers or digit strings). Null if unreadable.
 */
export function toIso(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value !== 'string' || value.trim() === '') return null;
  const s = value.trim();
  if (/^\d{9,11}$/.test(s)) return new Date(Number(s) * 1000).toISOString();
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Like toIso, for fields the product always sends: a missing one is a protocol error. */
export function requireIso(source: SourceName, value: unknown, what: string): string {
  const iso = toIso(value);
  if (iso === null) throw new ImportSourceError({ source, code: 'protocol', message: `${what} is not a timestamp: ${JSON.stringify(value)}` });
  return iso;
}

/** The later of some timestamps (ISO strings; nulls ignored). */
export function latest(...values: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const v of values) if (v && (best === null || v > best)) best = v;
  return best;
}

/** Lower-case, trimmed, de-duplicated, empties dropped, in the given order. */
export function normalizeTags(tags: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const t of tags) {
    if (typeof t !== 'string') continue;
    const tag = t.trim().toLowerCase();
    if (tag) seen.add(tag);
  }
  return [...seen];
}

export function subjectOf(subject: unknown): string {
  return typeof subject === 'string' && subject.trim() !== '' ? subject.trim() : '(no subject)';
}

export function emailOf(value: unknown): string | null {
  return typeof value === 'string' && value.includes('@') ? value.trim().toLowerCase() : null;
}

export function nameOf(...parts: unknown[]): string | null {
  const name = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim()).join(' ');
  return name === '' ? null : name;
}

/** Counts what a run yielded and reports it. */
export class Tally {
  users = 0;
  contacts = 0;
  tickets = 0;
  constructor(private readonly onProgress?: (event: ProgressEvent) => void) {}
  count(item: SourceItem) {
    if (item.kind === 'user') this.users += 1;
    else if (item.kind === 'contact') this.contacts += 1;
    else this.tickets += 1;
    this.onProgress?.({ type: 'items', users: this.users, contacts: this.contacts, tickets: this.tickets });
  }
}

/** Validates a stored cursor with the source's schema; a clear error rather than a confusing run. */
export function checkCursor<C>(source: SourceName, schema: z.ZodType<C>, value: unknown): C {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const belongs = typeof value === 'object' && value !== null && 'source' in value ? ` (it is a ${String((value as { source: unknown }).source)} cursor)` : '';
    throw new ImportSourceError({ source, code: 'cursor', message: `not a ${source} cursor${belongs}: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  }
  return parsed.data;
}

/** A user the product no longer lists, known only from a reference. */
export function placeholderUser(externalId: string, name: string | null, email: string | null): SourceUser {
  return {
    externalId,
    name: name ?? `Deleted user ${externalId}`,
    email: emailOf(email),
    role: 'agent',
    active: false,
    deleted: true,
    placeholder: true,
    createdAt: null,
    updatedAt: null,
  };
}

/** The server's clock from a response's Date header (ms), or the local clock. */
export function serverNow(headers: Headers): number {
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isFinite(date) ? date : Date.now();
}
