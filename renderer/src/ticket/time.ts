// Times as an agent reads them. "Now" is the server's, not the browser's: the server may run on
// another clock (tests fix it; a LAN host may drift), so relative times count from the newest
// timestamp the server has shown us (see serverClock.ts).

const stampFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const stampYearFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

/** "Mar 2, 09:00" (with the year when it is not the reference year). */
export function formatStamp(iso: string, ref?: number): string {
  const date = new Date(iso);
  const sameYear = ref === undefined || new Date(ref).getFullYear() === date.getFullYear();
  return (sameYear ? stampFormat : stampYearFormat).format(date);
}

/** Compact for lists: "09:00" today, "Mar 2" this year, "Mar 2, 2025" before. */
export function formatShort(iso: string, ref: number): string {
  const date = new Date(iso);
  const now = new Date(ref);
  if (date.toDateString() === now.toDateString()) return clockFormat.format(date);
  if (date.getFullYear() === now.getFullYear()) return dayFormat.format(date);
  return `${dayFormat.format(date)}, ${date.getFullYear()}`;
}

// Lists format the same few timestamps over and over while scrolling: remember them.
const fullCache = new Map<string, string>();

/** For a title attribute: the full local date and time. */
export function formatFull(iso: string): string {
  let text = fullCache.get(iso);
  if (text === undefined) {
    if (fullCache.size > 5000) fullCache.clear();
    text = fullFormat.format(new Date(iso));
    fullCache.set(iso, text);
  }
  return text;
}

/** A span of time: "45m", "3h 20m", "2d 4h"; under a minute is "<1m". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** "5m ago", "just now", "in 2h" relative to the reference time. */
export function formatRelative(iso: string, ref: number): string {
  const diff = new Date(iso).getTime() - ref;
  if (Math.abs(diff) < 60_000) return 'just now';
  return diff < 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(diff)}`;
}
