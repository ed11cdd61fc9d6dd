import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { AppError } from '../../core/errors.ts';

/** The file behind the main database of a connection (export and backup open it again). */
export async function databaseFile(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  const file = rows.find((r) => r.name === 'main')?.file ?? '';
  if (!file) throw new AppError('UNAVAILABLE', 'the database is not a file: nothing to export or back up');
  return file;
}
