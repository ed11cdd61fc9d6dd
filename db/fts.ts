/**
 * Turns what a user typed into a safe FTS5 query: every word becomes a quoted term and all
 * terms must match. FTS5 operators, quotes and column filters in the input are never
 * interpreted, so no search string can make SQLite raise a syntax error. Returns null when the
 * input has no searchable word (e.g. only punctuation).
 */
export function toFtsQuery(input: string): string | null {
  const words = searchWords(input);
  return words.length === 0 ? null : words.map((word) => `"${word}"`).join(' ');
}

/** The words of a search, as toFtsQuery hands them to FTS5 (at most 32). */
export function searchWords(input: string): string[] {
  return (input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}
