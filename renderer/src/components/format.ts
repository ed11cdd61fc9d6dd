// Small, pure formatting helpers shared by pages: relative times, dates, initials and a stable
// hue per name (avatars, tag fallbacks).

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** "just now", "5m ago", "3h ago", "2d ago", then a short date ("Mar 2" / "Mar 2, 2025"). */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const diff = now - then;
  if (diff < minute) return 'just now';
  if (diff < hour) return `${Math.floor(diff / minute)}m ago`;
  if (diff < day) return `${Math.floor(diff / hour)}h ago`;
  if (diff < 7 * day) return `${Math.floor(diff / day)}d ago`;
  return shortDate(iso, now);
}

/** "Mar 2", with the year when it is not the current one. */
export function shortDate(iso: string, now: number = Date.now()): string {
  const date = new Date(iso);
  const sameYear = date.getUTCFullYear() === new Date(now).getUTCFullYear();
  return date.toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** A full local date and time, for tooltips and detail cards. */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** Up to two initials from a name, else the first letter of an e-mail address. */
export function initials(nameOrEmail: string): string {
  const clean = nameOrEmail.trim();
  if (!clean) return '?';
  if (clean.includes('@') && !clean.includes(' ')) return clean[0]!.toUpperCase();
  const parts = clean.split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A stable hue (0..359) for a string, so the same person always gets the same colour. */
export function hueOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** "1 ticket" / "3 tickets". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
