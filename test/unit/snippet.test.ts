// Search snippets are built in JS from the hit's text; they must mark the words the index
// matched, the way FTS5 itself would.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { searchWords, toFtsQuery } from '../../db/fts.ts';
import { bestSnippet, foldWord, snippetHtml } from '../../server/domain/search/snippet.ts';

const terms = (q: string) => new Set(searchWords(q).map(foldWord));
const html = (columns: string[], q: string, max = 12) => snippetHtml(bestSnippet(columns, terms(q), max));

describe('search snippets', () => {
  it('agree with FTS5 snippet() on short fields, punctuation, case and diacritics included', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec("create virtual table t using fts5(a, b, tokenize = 'unicode61 remove_diacritics 2')");
    const rows: [string, string][] = [
      ['Printer on FIRE!', 'the office printer smokes'],
      ['(no subject)', 'Café crème: the espresso machine is broken, again…'],
      ['Ünïcode naïve résumé', '—'],
      ['Refund for order #1234', 'please refund: wrong size'],
    ];
    const insert = db.prepare('insert into t (a, b) values (?, ?)');
    for (const row of rows) insert.run(...row);
    for (const q of ['printer', 'fire', 'cafe', 'CRÈME espresso', 'naive resume', 'refund 1234']) {
      const fts = db
        .prepare("select rowid as id, snippet(t, -1, '<mark>', '</mark>', '…', 12) as s from t where t match ? order by rowid")
        .all(toFtsQuery(q)) as { id: number; s: string }[];
      expect(fts.length, q).toBeGreaterThan(0);
      for (const { id, s } of fts) {
        const [a, b] = rows[id - 1] as [string, string];
        expect(html([a, b], q), `${q} in row ${id}`).toBe(s);
      }
    }
    db.close();
  });

  it('cuts a long field around the most hits, with an ellipsis on each cut side', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    words[20] = 'invoice';
    words[23] = 'Invoice';
    words[5] = 'invoice';
    const out = html(['no match here', words.join(' ')], 'invoice', 8);
    expect(out).toBe('…w18 w19 <mark>invoice</mark> w21 w22 <mark>Invoice</mark> w24 w25…');
  });

  it('keeps the start or the end of a field it reaches, and escapes the text', () => {
    expect(html(['<b>dingo</b> & "friends" say hi to everyone in the room today'], 'dingo', 5)).toBe(
      '&lt;b&gt;<mark>dingo</mark>&lt;/b&gt; &amp; &quot;friends&quot; say…',
    );
    expect(html(['one two three four five six. end: dingo!'], 'dingo', 3)).toBe('…six. end: <mark>dingo</mark>!');
  });

  it('takes the field with the most hits, the first one on a tie', () => {
    expect(html(['a koala', 'koala and koala'], 'koala')).toBe('<mark>koala</mark> and <mark>koala</mark>');
    expect(html(['a koala', 'the koala'], 'koala')).toBe('a <mark>koala</mark>');
  });
});
