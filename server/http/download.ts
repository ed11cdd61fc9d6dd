// Serving stored files safely: the disposition and headers that keep a browser from running
// what someone uploaded, and single byte ranges (resumable downloads, media seeking).
import contentDisposition from 'content-disposition';
import type { Context } from 'koa';

/** No scripts, no plugins, no loads: an HTML or SVG file opened from here can do nothing. */
export const contentCsp = "sandbox; default-src 'none'";

/** `Content-Disposition` per RFC 6266: an ASCII `filename` and, when needed, `filename*` in UTF-8. */
export function dispositionOf(name: string, inline: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return contentDisposition(name, { type: inline ? 'inline' : 'attachment', fallback: ascii });
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The one range of a `Range: bytes=…` header, or null to send the whole file: no range, several
 * ranges, or one outside the file (RFC 9110 lets a server ignore a Range it does not serve).
 */
export function parseRange(header: string, size: number): ByteRange | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

/** The headers every response of the content route carries, error or not. */
export function setContentSafetyHeaders(http: Context): void {
  http.set('X-Content-Type-Options', 'nosniff');
  http.set('Content-Security-Policy', contentCsp);
  http.set('Cross-Origin-Resource-Policy', 'same-origin');
}
