// Ranked full-text search over the FTS5 indexes of tickets, conversations and contacts.
import { sql } from 'kysely';
import { searchWords, toFtsQuery } from '../../../db/fts.ts';
import { countFtsMatches } from '../../../db/queries/ftsCount.ts';
import { bestSnippet, foldWord, snippetHtml } from './snippet.ts';
import type { Db } from '../../../db/schema.ts';
import type { Ctx } from '../context.ts';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';
import { AppError } from '../../core/errors.ts';
import {
  type ContactHitT,
  type ConversationHitT,
  type SearchResultsT,
  type SearchType,
  type TicketHitT,
  searchTypeScopes,
  searchTypes,
} from '../../../common/contract/search.ts';

/**
 * Ranking cost grows with the number of matches (bm25 reads each match's size: ~20 ms for a
 * word in 30% of 100k tickets, ~2.4 ms for one in 3%). Only the newest `rankPool` matches are
 * ranked (~1 ms for 1,000), which FTS5 yields in rowid order without touching the rest. Their
 * scores are the ones a full ranking gives (bm25's statistics are index-wide).
 */
export interface RankTuning {
  rankPool: number;
}
export const defaultTuning: RankTuning = { rankPool: 1_000 };

interface FtsIndex {
  table: 'ticket_fts' | 'conversation_fts' | 'contact_fts';
  /** bm25 weight of each column, in table order. */
  weights: readonly number[];
  /** The column naming the owning row: the owner's seq, or contact_id for contacts. */
  owner: 'rowid' | 'contact_id';
  /** The indexed text columns, in table order: where snippets come from. */
  columns: readonly string[];
}

const indexes = {
  // Weights: subject 10, description 4, messages 1.
  tickets: { table: 'ticket_fts', weights: [10, 4, 1], owner: 'rowid', columns: ['subject', 'description', 'messages'] },
  // subject 10, messages 1.
  conversations: { table: 'conversation_fts', weights: [10, 1], owner: 'rowid', columns: ['subject', 'messages'] },
  // contact_id (unindexed) 0, name 10, email 5, company 3.
  contacts: { table: 'contact_fts', weights: [0, 10, 5, 3], owner: 'contact_id', columns: ['name', 'email', 'company'] },
} as const satisfies Record<SearchType, FtsIndex>;

const snippetTokens = 12;

/** A search as FTS5 runs it, and its words as the snippets compare them. */
interface FtsSearch {
  match: string;
  terms: ReadonlySet<string>;
}

interface RankedMatch<K> {
  owner: K;
  rank: number;
  snippet: string;
}

async function rankedMatches<K extends string | number>(
  db: Db,
  index: FtsIndex,
  { match, terms }: FtsSearch,
  limit: number,
  tuning: RankTuning,
): Promise<{ total: number; matches: RankedMatch<K>[] }> {
  const fts = sql.table(index.table);
  const total = await countFtsMatches(db, index.table, match);
  if (total === 0) return { total, matches: [] };

  const score = sql`bm25(${fts}, ${sql.join(index.weights.map((w) => sql.lit(w)))})`;
  // Best first (bm25 is negative: lower is better); equal scores put the newest first.
  const { rows } = await sql<{ id: number; score: number }>`select id, score from (
      select rowid as id, ${score} as score from ${fts} where ${fts} match ${match}
      order by rowid desc limit ${tuning.rankPool})
    order by score, id desc limit ${limit}`.execute(db);

  // Snippets only for the hits shown, from their text read in one query (snippet.ts).
  const ids = rows.map((row) => row.id);
  const texts = await sql<Record<string, string> & { id: number; owner: K }>`select rowid as id,
      ${sql.ref(index.owner)} as owner, ${sql.join(index.columns.map((c) => sql.ref(c)))}
    from ${fts} where rowid in (select value from json_each(${JSON.stringify(ids)}))`.execute(db);
  const byId = new Map(texts.rows.map((row) => [row.id, row]));
  const matches: RankedMatch<K>[] = [];
  for (const row of rows) {
    const text = byId.get(row.id);
    if (!text) continue;
    const snippet = bestSnippet(index.columns.map((c) => text[c] ?? ''), terms, snippetTokens);
    matches.push({ owner: text.owner, rank: -row.score, snippet: snippetHtml(snippet) });
  }
  return { total, matches };
}

/** Keeps the ranked order, dropping entries whose owner is gone (or seen already). */
function joinOwners<K, R, H>(
  matches: RankedMatch<K>[],
  rows: R[],
  keyOf: (row: R) => K,
  present: (row: R, match: RankedMatch<K>) => H,
): H[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  const hits: H[] = [];
  for (const match of matches) {
    const row = byKey.get(match.owner);
    if (!row) continue;
    byKey.delete(match.owner);
    hits.push(present(row, match));
  }
  return hits;
}

type Hits<H> = { total: number; hits: H[] };

async function searchTickets(
  db: Db,
  query: FtsSearch,
  limit: number,
  tuning: RankTuning,
): Promise<Hits<TicketHitT>> {
  const { total, matches } = await rankedMatches<number>(db, indexes.tickets, query, limit, tuning);
  if (matches.length === 0) return { total, hits: [] };
  const rows = await db
    .selectFrom('tickets')
    .select(['seq', 'id', 'subject', 'status', 'priority'])
    .where('seq', 'in', matches.map((m) => m.owner))
    .execute();
  const hits = joinOwners(matches, rows, (r) => r.seq, (r, m) => ({
    id: r.id,
    subject: r.subject,
    status: r.status,
    priority: r.priority,
    snippet: m.snippet,
    rank: m.rank,
  }));
  return { total, hits };
}

async function searchConversations(
  db: Db,
  query: FtsSearch,
  limit: number,
  tuning: RankTuning,
): Promise<Hits<ConversationHitT>> {
  const index = indexes.conversations;
  const { total, matches } = await rankedMatches<number>(db, index, query, limit, tuning);
  if (matches.length === 0) return { total, hits: [] };
  const rows = await db
    .selectFrom('conversations')
    .select(['seq', 'id', 'subject', 'channel', 'status'])
    .where('seq', 'in', matches.map((m) => m.owner))
    .execute();
  const hits = joinOwners(matches, rows, (r) => r.seq, (r, m) => ({
    id: r.id,
    subject: r.subject,
    channel: r.channel,
    status: r.status,
    snippet: m.snippet,
    rank: m.rank,
  }));
  return { total, hits };
}

async function searchContacts(
  db: Db,
  query: FtsSearch,
  limit: number,
  tuning: RankTuning,
): Promise<Hits<ContactHitT>> {
  const index = indexes.contacts;
  const { total, matches } = await rankedMatches<string>(db, index, query, limit, tuning);
  if (matches.length === 0) return { total, hits: [] };
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'name', 'email', 'company'])
    .where('id', 'in', matches.map((m) => m.owner))
    .execute();
  const hits = joinOwners(matches, rows, (r) => r.id, (r, m) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    company: r.company,
    snippet: m.snippet,
    rank: m.rank,
  }));
  return { total, hits };
}

/**
 * The types to search: those asked for, each of which the key must be able to read (403
 * naming the scope), or by default every type the key can read (403 when it can read none).
 */
export function searchableTypes(
  granted: readonly Scope[],
  requested?: readonly SearchType[],
): SearchType[] {
  if (requested) {
    for (const type of requested) {
      const required = searchTypeScopes[type];
      if (!hasScope(granted, required)) {
        throw new AppError(
          'FORBIDDEN',
          `this API key lacks the ${required} scope needed to search ${type}`,
          { required, granted },
        );
      }
    }
    return searchTypes.filter((type) => requested.includes(type));
  }
  const readable = searchTypes.filter((type) => hasScope(granted, searchTypeScopes[type]));
  if (readable.length === 0) {
    const requiredAnyOf = searchTypes.map((type) => searchTypeScopes[type]);
    throw new AppError('FORBIDDEN', `searching needs one of ${requiredAnyOf.join(', ')}`, {
      requiredAnyOf,
      granted,
    });
  }
  return readable;
}

export interface SearchInput {
  q: string;
  types: readonly SearchType[];
  limit: number;
}

/** Ranked hits per type; text with no searchable word finds nothing (it is not an error). */
export async function search(
  ctx: Ctx,
  input: SearchInput,
  tuning: RankTuning = defaultTuning,
): Promise<SearchResultsT> {
  const { db } = ctx;
  const match = toFtsQuery(input.q);
  const query = match ? { match, terms: new Set(searchWords(input.q).map(foldWord)) } : null;
  const { limit, types } = input;
  const results: SearchResultsT = {};
  if (types.includes('tickets')) {
    results.tickets = query ? await searchTickets(db, query, limit, tuning) : noHits();
  }
  if (types.includes('contacts')) {
    results.contacts = query ? await searchContacts(db, query, limit, tuning) : noHits();
  }
  if (types.includes('conversations')) {
    results.conversations = query ? await searchConversations(db, query, limit, tuning) : noHits();
  }
  return results;
}

function noHits<H>(): Hits<H> {
  return { total: 0, hits: [] };
}
