/**
 * Turns what a user typed into a safe FTS5 query: every word becomes a quoted term and all
 * terms must match. FTS5 operators, quotes and column filters in the input are never
 * interpreted, so no search string can make SQLite raise a syntax error. Returns null when the
 * input has no searchable word (e.g. only punctuation).
 *
 * Words match by their beginning, as people type (`log` finds "Login"): each word of at least
 * minPrefixLength characters is a prefix query, which the indexes' prefix option (migration
 * 2026120611) answers from a prefix index for words of up to eight characters, as fast as a
 * whole word. A single character stays a whole word: as a prefix it would match nearly every
 * row, at the cost of all of them.
 */
export function toFtsQuery(input: string): string | null {
  const words = searchWords(input);
  return words.length === 0 ? null : words.map((word) => (isPrefixTerm(word) ? `"${word}"*` : `"${word}"`)).join(' ');
}

/** Words of at least this many characters match as prefixes. */
export const minPrefixLength = 2;

/** Whether a search word matches the words it begins (true) or only itself (false). */
export function isPrefixTerm(word: string): boolean {
  return [...word].length >= minPrefixLength;
}

/** The words of a search, as toFtsQuery hands them to FTS5 (at most 32). */
export function searchWords(input: string): string[] {
  return (input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}
