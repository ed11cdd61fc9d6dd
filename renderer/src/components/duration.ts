// Minutes as people say them ("8 h", "1 d 4 h", "45 m") and back. SLA targets are whole
// minutes on the wire; the settings page shows and accepts the friendly form.

const units = [
  { name: 'w', minutes: 7 * 24 * 60, words: ['w', 'wk', 'wks', 'week', 'weeks'] },
  { name: 'd', minutes: 24 * 60, words: ['d', 'day', 'days'] },
  { name: 'h', minutes: 60, words: ['h', 'hr', 'hrs', 'hour', 'hours'] },
  { name: 'm', minutes: 1, words: ['m', 'min', 'mins', 'minute', 'minutes'] },
] as const;

/**
 * 480 → "8 h", 90 → "1 h 30 m", 1500 → "1 d 1 h", 0 → "0 m". Weeks are not used (a 14-day
 * target reads better as "14 d"). `maxUnits` keeps the largest parts only (rounded down).
 */
export function formatMinutes(total: number, maxUnits = 3): string {
  if (!Number.isFinite(total) || total < 0) return '—';
  let rest = Math.round(total);
  if (rest === 0) return '0 m';
  const parts: string[] = [];
  for (const unit of units.slice(1)) {
    if (parts.length >= maxUnits) break;
    const count = Math.floor(rest / unit.minutes);
    if (count > 0) {
      parts.push(`${count} ${unit.name}`);
      rest -= count * unit.minutes;
    } else if (parts.length > 0) {
      // A zero in the middle still uses up a slot, so "1 d 0 h 5 m" shortens to "1 d".
      parts.push('');
    }
  }
  return parts.filter(Boolean).join(' ');
}

/**
 * Reads "8h", "8 h", "1d 4h", "1.5 hours", "90m", "2 days" or a bare number of minutes.
 * Returns whole minutes, or null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const clean = text.trim().toLowerCase();
  if (!clean) return null;
  if (/^\d+(\.\d+)?$/.test(clean)) return Math.round(Number(clean));
  const pattern = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
  let total = 0;
  let consumed = '';
  for (const match of clean.matchAll(pattern)) {
    const unit = units.find((u) => (u.words as readonly string[]).includes(match[2] ?? ''));
    if (!unit) return null;
    total += Number(match[1]) * unit.minutes;
    consumed += match[0];
  }
  // Everything but spaces and commas must have been read: "8 h x" is not a duration.
  if (consumed.replace(/\s/g, '') !== clean.replace(/[\s,]/g, '')) return null;
  return Math.round(total);
}
