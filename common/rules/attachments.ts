// What an attachment is served as, and the file name it keeps: one rule for the server (which
// serves the bytes) and the renderer (which decides what to show as a thumbnail).

/** Raster image types a browser can show without running anything: the only ones shown inline. */
export const inlineImageTypes: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

const fallbackType = 'application/octet-stream';
const token = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** The `type/subtype` of a declared Content-Type, lower-cased; anything unreadable is octet-stream. */
export function mediaTypeOf(declared: string | null | undefined): string {
  const essence = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return token.test(essence) && essence.length <= 255 ? essence : fallbackType;
}

/**
 * The type to serve: the one the bytes show, when they show one, since a declared type is only
 * the uploader's word. A generic container (XML, ZIP) defers to a declared type of that family
 * (`image/svg+xml`, `application/epub+zip`), which names the file more precisely.
 */
export function servedType(declared: string, sniffed: string | null): string {
  if (!sniffed) return declared;
  if (sniffed === 'application/xml' && (declared.endsWith('+xml') || declared === 'text/xml')) return declared;
  if (sniffed === 'application/zip' && (declared.endsWith('+zip') || declared.startsWith('application/vnd.'))) {
    return declared;
  }
  return sniffed;
}

/** Shown inline (a thumbnail, the lightbox) only when the bytes themselves are a safe raster image. */
export function isInlineImage(sniffed: string | null): boolean {
  return sniffed !== null && inlineImageTypes.includes(sniffed);
}

const maxNameLength = 255;
// C0 and C1 controls (NUL included), DEL, and the bidirectional overrides and isolates that make
// "invoice\u202Efdp.exe" read as "invoiceexe.pdf".
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const unsafeChars = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The name an upload keeps: control and bidi characters dropped, path separators replaced, at
 * most 255 characters (the extension kept). It is only ever metadata — files are stored under
 * their hash — but a name that looks like a path or hides its extension would mislead whoever
 * downloads it.
 */
export function cleanFileName(raw: string): string {
  let name = raw.replace(unsafeChars, '').replace(/[/\\]/g, '_').trim();
  if (/^\.+$/.test(name)) name = '';
  if (name === '') return 'attachment';
  const chars = [...name];
  if (chars.length <= maxNameLength) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
  return chars.slice(0, maxNameLength - keep.length).join('') + keep.join('');
}
