import { defineRoute } from '../http/route.ts';
import { SearchQuery, SearchResults } from '../../common/contract/search.ts';
import { defaultTuning, search, searchableTypes } from '../domain/search/search.service.ts';

const count = (n: number) => n.toLocaleString('en-US');

export const searchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/search',
    tag: 'Search',
    summary: 'Search tickets, contacts and conversations',
    description:
      'Ranked hits per type (BM25: for tickets the subject weighs 10, the description 4 and ' +
      'the thread 1; for conversations subject 10, thread 1; for contacts name 10, email 5, ' +
      'company 3), each with a highlighted snippet and the total number of matches. Each type ' +
      'needs its read scope (tickets:read, contacts:read, conversations:read). When a search ' +
      `matches more than ${count(defaultTuning.rankPool)} records of a type, only its newest ` +
      `${count(defaultTuning.rankPool)} matches are ranked, which keeps common words fast; ` +
      '`total` still counts every match.',
    scope: 'any',
    query: SearchQuery,
    response: SearchResults,
    pooledRead: 'search',
    handler: async ({ ctx, query }) => {
      const types = searchableTypes(ctx.actor.scopes, query.types);
      return { data: await search(ctx, { q: query.q, types, limit: query.limit }) };
    },
  }),
];
