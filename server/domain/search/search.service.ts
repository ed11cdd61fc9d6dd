// Ranked full-text search over the search tables of tickets, conversations and contacts: each
// engine ranks (search.sqlite.ts: FTS5's bm25; search.postgres.ts: ts_rank), the hits and
// their snippets are built here the same way for both.
import { byDialect } from '../../../db/dialect.ts';
import { searchWords } from '../../../db/fts.ts';
import { bestSnippet, foldWord, snippetHtml } from './snippet.ts';
import { type FtsIndex, type RankTuning, defaultTuning } from './search.ranking.ts';
import { rankPostgres } from './search.postgres.ts';
import { rankSqlite } from './search.sqlite.ts';
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

export { type RankTuning, defaultTuning } from './search.ranking.ts';

const indexes = {
  tickets: {
    table: 'ticket_fts',
    // SQLite's bm25 weight of each column, in table order: subject 10, description 4, messages 1.
    weights: [10, 4, 1],
    owner: 'rowid',
    columns: ['subject', 'description', 'messages'],
  },
  // subject 10, messages 1.
  conversations: { table: 'conversation_fts', weights: [10, 1], owner: 'rowid', columns: ['subject', 'messages'] },
  // contact_id (unindexed) 0, name 10, email 5, company 3.
  contacts: { table: 'contact_fts', weights: [0, 10, 5, 3], owner: 'contact_id', columns: ['name', 'email', 'company'] },
} as const satisfies Record<SearchType, FtsIndex>;

const snippetTokens = 12;

/** A search's words as the engine runs them, and as the snippets compare them. */
interface FtsSearch {
  input: string;
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
  { input, terms }: FtsSearch,
  limit: number,
  tuning: RankTuning,
): Promise<{ total: number; matches: RankedMatch<K>[] }> {
  const rank = byDialect(db, { sqlite: rankSqlite, postgres: rankPostgres });
  const { total, entries } = await rank<K>(db, index, input, limit, tuning);
  // Snippets only for the hits shown, from their indexed text (snippet.ts).
  const matches = entries.map((entry) => ({
    owner: entry.owner,
    rank: entry.rank,
    snippet: snippetHtml(bestSnippet(entry.texts, terms, snippetTokens)),
  }));
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
  const words = searchWords(input.q);
  const query = words.length > 0 ? { input: input.q, terms: new Set(words.map(foldWord)) } : null;
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
