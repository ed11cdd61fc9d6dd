import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { dialectName } from '../../../db/dialect.ts';
import { AppError } from '../../core/errors.ts';

/**
 * The file behind the main database of a SQLite connection (backups copy it; SQLite's export
 * snapshot and import open it again). `what` names the operation in the 503 on PostgreSQL.
 */
export async function databaseFile(db: Kysely<Database>, what = 'this operation'): Promise<string> {
  requireSqlite(db, what);
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  const file = rows.find((r) => r.name === 'main')?.file ?? '';
  if (!file) throw new AppError('UNAVAILABLE', 'the database is not a file: nothing to export or back up');
  return file;
}

/**
 * Backups are SQLite's online backup of the database file: PostgreSQL has no such file, and its
 * own tools (pg_dump, base backups) do that job there. A clear 503 rather than a failed query.
 */
export function requireSqlite(db: Kysely<Database>, what: string): void {
  if (dialectName(db) === 'postgres') {
    throw new AppError(
      'UNAVAILABLE',
      `${what} copies the SQLite database file, which a PostgreSQL install does not have: back up PostgreSQL ` +
        'with its own tools (pg_dump), or take GET /export?format=tar, which works on both engines',
      { reason: 'postgres' },
    );
  }
}
