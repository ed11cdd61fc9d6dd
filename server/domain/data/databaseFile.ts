import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { dialectName } from '../../../db/dialect.ts';
import { AppError } from '../../core/errors.ts';

/** The file behind the main database of a connection (export and backup open it again). */
export async function databaseFile(db: Kysely<Database>): Promise<string> {
  requireSqlite(db);
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  const file = rows.find((r) => r.name === 'main')?.file ?? '';
  if (!file) throw new AppError('UNAVAILABLE', 'the database is not a file: nothing to export or back up');
  return file;
}

/**
 * Export, import, backups and import dry runs work on the SQLite file itself (its columns, its
 * snapshot); on PostgreSQL they are not built yet: a clear 503 rather than a failed query.
 */
export function requireSqlite(db: Kysely<Database>): void {
  if (dialectName(db) === 'postgres') {
    throw new AppError('UNAVAILABLE', 'not available on PostgreSQL yet: back up and copy the database with its own tools (pg_dump)', {
      reason: 'postgres',
    });
  }
}
