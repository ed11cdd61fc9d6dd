// The one place that turns times and counts into text. Every function takes `now` (the
// server-corrected clock, see clock.ts), so a date shows its year whenever it is not this year.

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const monthDayYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
const stamp = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const stampYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

const sameYear = (a: Date, b: Date) => a.getFullYear() === b.getFullYear();

/** "Mar 2", or "Mar 2, 2025" when it is not this year. */
export function shortDate(iso: string, now: number): string {
  const date = new Date(iso);
  return (sameYear(date, new Date(now)) ? monthDay : monthDayYear).format(date);
}

/** "Mar 2, 09:00", with the year when it is not this year. */
export function formatStamp(iso: string, now: number): string {
  const date = new Date(iso);
  return (sameYear(date, new Date(now)) ? stamp : stampYear).format(date);
}

/** Compact for list columns: "09:00" today, else the short date. */
export function formatShort(iso: string, now: number): string {
  const date = new Date(iso);
  return date.toDateString() === new Date(now).toDateString() ? clock.format(date) : shortDate(iso, now);
}

// Lists format the same timestamps over and over while scrolling: remember them.
const fullCache = new Map<string, string>();

/** For a title attribute: the full local date and time (always with the year). */
export function formatFull(iso: string): string {
  let text = fullCache.get(iso);
  if (text === undefined) {
    if (fullCache.size > 5000) fullCache.clear();
    text = full.format(new Date(iso));
    fullCache.set(iso, text);
  }
  return text;
}

/** A span of time: "45m", "3h 20m", "2d 4h"; under a minute is "<1m". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / minute);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** "just now", "5m ago", "3h ago", "2d ago" for a week, then the short date. */
export function timeAgo(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const diff = now - then;
  if (diff < minute) return 'just now';
  if (diff < hour) return `${Math.floor(diff / minute)}m ago`;
  if (diff < day) return `${Math.floor(diff / hour)}h ago`;
  if (diff < 7 * day) return `${Math.floor(diff / day)}d ago`;
  return shortDate(iso, now);
}

/** "1 ticket" / "3 tickets". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
