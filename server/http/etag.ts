import { hash } from 'node:crypto';

/** A strong ETag of a representation: a hash of its JSON. */
export function etagOf(data: unknown): string {
  return etagOfJson(JSON.stringify(data));
}

/** The ETag of a representation already serialized (the exact JSON sent as `data`). */
export function etagOfJson(json: string): string {
  return `"${hash('sha256', json, 'base64url').slice(0, 27)}"`;
}

/** Whether an If-Match / If-None-Match header value names this ETag (or is `*`). */
export function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
