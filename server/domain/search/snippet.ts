// Highlighted snippets for search hits, built from the hit's indexed text. FTS5's snippet()
// re-runs the MATCH for every hit (measured: 2–6 ms for 20 ticket hits at 100k tickets, more
// than ranking them); this reads the text of the hits shown in one query and marks the matched
// words here, with the same notion of a word as the index (unicode61, remove_diacritics 2).

import { isPrefixTerm } from '../../../db/fts.ts';

/** unicode61's token characters: letters, numbers and private-use characters. */
const tokenPattern = /[\p{L}\p{N}\p{Co}]+/gu;

// eslint-disable-next-line no-control-regex -- ASCII is exactly \x00-\x7f
const ascii = /^[\x00-\x7f]*$/;

/** How the index compares words: case-folded, without diacritics. */
export function foldWord(word: string): string {
  if (ascii.test(word)) return word.toLowerCase();
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** False only when `text` certainly holds none of the terms (cheap, before tokenizing). */
function mayHit(text: string, terms: ReadonlySet<string>): boolean {
  if (!ascii.test(text)) return true; // folding could make a match appear
  const lower = text.toLowerCase();
  for (const term of terms) if (lower.includes(term)) return true;
  return false;
}

interface Token {
  start: number;
  end: number;
  hit: boolean;
}

/** Whether a (folded) word is a hit: it begins with a prefix term, or equals a whole-word one. */
function matches(word: string, terms: ReadonlySet<string>): boolean {
  if (terms.has(word)) return true;
  for (const term of terms) if (isPrefixTerm(term) && word.startsWith(term)) return true;
  return false;
}

function tokensOf(text: string, terms: ReadonlySet<string>): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(tokenPattern)) {
    tokens.push({ start: m.index, end: m.index + m[0].length, hit: matches(foldWord(m[0]), terms) });
  }
  return tokens;
}

/** Where a snippet's text starts and ends, and which words in it are hits. */
export interface Snippet {
  text: string;
  /** [start, end) offsets of the hits within `text`. */
  hits: [number, number][];
  /** Text was left out before / after. */
  cutBefore: boolean;
  cutAfter: boolean;
}

/**
 * The best fragment of at most `maxTokens` words: from the column with the most hits (the first
 * such column on a tie), the window holding the most hits (the earliest on a tie), with its hits
 * centred. A fragment that reaches a column's start or end keeps the text before its first or
 * after its last word.
 */
export function bestSnippet(columns: readonly string[], terms: ReadonlySet<string>, maxTokens: number): Snippet {
  let best: { text: string; tokens: Token[]; hits: number } | null = null;
  for (const text of columns) {
    if (best && !mayHit(text, terms)) continue;
    const tokens = tokensOf(text, terms);
    const hits = tokens.reduce((n, t) => n + (t.hit ? 1 : 0), 0);
    if (!best || hits > best.hits) best = { text, tokens, hits };
  }
  if (!best || best.tokens.length === 0) {
    return { text: best?.text ?? '', hits: [], cutBefore: false, cutAfter: false };
  }
  const { text, tokens } = best;
  const width = Math.min(maxTokens, tokens.length);
  // Sliding window over the tokens: the start whose window holds the most hits.
  let inWindow = 0;
  for (let i = 0; i < width; i++) if (tokens[i]?.hit) inWindow++;
  let bestStart = 0;
  let bestCount = inWindow;
  for (let start = 1; start + width <= tokens.length; start++) {
    if (tokens[start - 1]?.hit) inWindow--;
    if (tokens[start + width - 1]?.hit) inWindow++;
    if (inWindow > bestCount) {
      bestCount = inWindow;
      bestStart = start;
    }
  }
  // Like FTS5, centre the window's hits: as much context before the first as after the last.
  let firstHit = -1;
  let lastHit = -1;
  for (let i = bestStart; i < bestStart + width; i++) {
    if (!tokens[i]?.hit) continue;
    if (firstHit < 0) firstHit = i;
    lastHit = i;
  }
  if (firstHit >= 0) {
    const spare = width - (lastHit - firstHit + 1);
    bestStart = Math.max(0, Math.min(tokens.length - width, firstHit - Math.floor(spare / 2)));
  }
  const end = bestStart + width; // exclusive
  const cutBefore = bestStart > 0;
  const cutAfter = end < tokens.length;
  const from = cutBefore ? (tokens[bestStart] as Token).start : 0;
  const to = cutAfter ? (tokens[end - 1] as Token).end : text.length;
  const hits: [number, number][] = [];
  for (let i = bestStart; i < end; i++) {
    const t = tokens[i] as Token;
    if (t.hit) hits.push([t.start - from, t.end - from]);
  }
  return { text: text.slice(from, to), hits, cutBefore, cutAfter };
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c] as string);

/** The snippet as HTML: text escaped, hits in <mark>, an ellipsis where text was left out. */
export function snippetHtml(snippet: Snippet): string {
  let out = snippet.cutBefore ? '…' : '';
  let at = 0;
  for (const [start, end] of snippet.hits) {
    out += `${escapeHtml(snippet.text.slice(at, start))}<mark>${escapeHtml(snippet.text.slice(start, end))}</mark>`;
    at = end;
  }
  out += escapeHtml(snippet.text.slice(at));
  return snippet.cutAfter ? `${out}…` : out;
}
