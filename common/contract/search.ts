import { z } from 'zod';
import type { Scope } from '../rules/scopes.ts';
import { enumFilter, queryInt } from './base.ts';
import { Channel, ConversationStatus } from './conversations.ts';
import { Priority, TicketStatus } from './tickets.ts';

export const searchTypes = ['tickets', 'contacts', 'conversations'] as const;
export type SearchType = (typeof searchTypes)[number];

/** The read scope each result type needs. */
export const searchTypeScopes: Record<SearchType, Scope> = {
  tickets: 'tickets:read',
  contacts: 'contacts:read',
  conversations: 'conversations:read',
};

export const SearchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .meta({
      description:
        'Words to find; every word must match the start of a word (`log` finds "Login"; a single ' +
        'letter matches only itself). Quotes and search ' +
        'operators are treated as plain text. Text with no letter or digit finds nothing.',
    }),
  types: enumFilter(searchTypes)
    .optional()
    .meta({
      description:
        'Result types to search, comma-separated. Default: every type the key can read; ' +
        'naming a type whose read scope the key lacks is a 403.',
    }),
  limit: queryInt(1, 50)
    .default(10)
    .meta({ description: 'Hits per type (1..50)' }),
});

const Snippet = z.string().meta({
  description:
    'An HTML fragment of about 12 words from the best-matching field: the text is escaped and ' +
    'every hit is wrapped in <mark>…</mark>; … marks cut text.',
  example: '…the <mark>invoice</mark> for March was charged twice…',
});
const Rank = z.number().meta({
  description: 'BM25 relevance, higher is better; comparable only within one type of one search',
});

export const TicketHit = z
  .object({
    id: z.string(),
    subject: z.string(),
    status: TicketStatus,
    priority: Priority,
    snippet: Snippet,
    rank: Rank,
  })
  .meta({ id: 'TicketSearchHit' });

export const ContactHit = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string(),
    company: z.string().nullable(),
    snippet: Snippet,
    rank: Rank,
  })
  .meta({ id: 'ContactSearchHit' });

export const ConversationHit = z
  .object({
    id: z.string(),
    subject: z.string(),
    channel: Channel,
    status: ConversationStatus,
    snippet: Snippet,
    rank: Rank,
  })
  .meta({ id: 'ConversationSearchHit' });

function hitsOf<T extends z.ZodType>(hit: T) {
  return z.object({
    total: z.number().int().meta({ description: 'Every match of this type, not only those shown' }),
    hits: z.array(hit).meta({ description: 'Best first' }),
  });
}

export const SearchResults = z
  .object({
    tickets: hitsOf(TicketHit).optional(),
    contacts: hitsOf(ContactHit).optional(),
    conversations: hitsOf(ConversationHit).optional(),
  })
  .meta({ id: 'SearchResults', description: 'One entry per searched type' });

export type SearchParams = z.output<typeof SearchQuery>;
export type SearchResultsT = z.output<typeof SearchResults>;
export type TicketHitT = z.output<typeof TicketHit>;
export type ContactHitT = z.output<typeof ContactHit>;
export type ConversationHitT = z.output<typeof ConversationHit>;
