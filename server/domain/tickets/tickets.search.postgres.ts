// GET /tickets?search= on PostgreSQL: the GIN index of ticket_fts.doc (rowid = the ticket's seq).
// The planner chooses between reading the matches and sorting them (few matches) and walking
// the sort index while probing the match set (many); SQLite needs telling, PostgreSQL does not.
import { sql } from 'kysely';
import { countTsMatches, toTsQuery, tsMatch } from '../../../db/fts.postgres.ts';
import { type TicketSearch, onlyFilter } from './tickets.filters.ts';

export const searchTicketsPostgres: TicketSearch = async (db, params, where) => {
  const query = toTsQuery(params.search);
  if (query === null) return null;
  const total = onlyFilter(params, 'search') ? await countTsMatches(db, 'ticket_fts', query) : null;
  const set = sql<number>`(select f.rowid from ticket_fts f where ${tsMatch(sql.ref('f.doc'), query)})`;
  return { where: where.where('t.seq', 'in', set), total, pageSeqs: null };
};
