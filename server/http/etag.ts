import { createHash } from 'node:crypto';

/** A strong ETag of a representation: a hash of its JSON. */
export function etagOf(data: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(data)).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-Match / If-None-Match header value names this ETag (or is `*`). */
export function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
