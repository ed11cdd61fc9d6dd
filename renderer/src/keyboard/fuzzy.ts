// Fuzzy filtering for the command palette: every query character must appear in order;
// matches at word starts and in runs score higher, so "gi" finds "Go to inbox" first.

export interface Scored<T> {
  item: T;
  score: number;
  /** Indexes of the matched characters in the text, for highlighting. */
  positions: number[];
}

export function fuzzyScore(query: string, text: string): { score: number; positions: number[] } | null {
  const q = query.trim().toLowerCase();
  if (!q) return { score: 0, positions: [] };
  const t = text.toLowerCase();
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    if (ch === ' ') continue;
    const at = t.indexOf(ch, from);
    if (at < 0) return null;
    const wordStart = at === 0 || /[\s\-_/:·]/.test(t[at - 1] ?? '');
    score += 1;
    if (wordStart) score += 3;
    if (at === previous + 1) score += 2;
    positions.push(at);
    previous = at;
    from = at + 1;
  }
  // Prefer shorter texts and earlier first matches among equals.
  score -= (positions[0] ?? 0) * 0.05 + t.length * 0.01;
  return { score, positions };
}

export function fuzzyFilter<T>(query: string, items: readonly T[], textOf: (item: T) => string): Scored<T>[] {
  const out: Scored<T>[] = [];
  items.forEach((item) => {
    const match = fuzzyScore(query, textOf(item));
    if (match) out.push({ item, ...match });
  });
  if (!query.trim()) return out;
  return out.sort((a, b) => b.score - a.score);
}
