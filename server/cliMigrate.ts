// `localdesk migrate --from DIR --to postgres://…`: moves an install from its SQLite data folder
// to PostgreSQL (server/domain/data/migrate.ts does the copy and the check).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateToLatest, openDatabase } from '../db/connection.ts';
import { isPostgresUrl, openPostgres } from '../db/postgres.ts';
import { loadConfig } from './core/config.ts';
import { AttachmentStore } from './domain/attachments/attachments.store.ts';
import { openSnapshot } from './domain/data/exportImport.ts';
import { copyToPostgres } from './domain/data/migrate.ts';

export const migrateUsage = 'localdesk migrate --to postgres://… [--from DIR]  copy an install to PostgreSQL';

export async function migrateCommand(args: string[], usageError: (message: string) => Error): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true });
  if (!values.to || !isPostgresUrl(values.to)) throw usageError('migrate needs --to postgres://user:password@host/database');
  const from = resolve(loadConfig(process.env, { dataDir: values.from }).dataDir);
  const file = join(from, 'localdesk.db');
  if (!existsSync(file)) throw usageError(`no LocalDesk database in ${from} (looked for localdesk.db)`);

  const started = performance.now();
  // Brought up to this version first, so both sides have the same schema.
  const sqliteHandle = openDatabase(file);
  try {
    await migrateToLatest(sqliteHandle.db);
  } finally {
    await sqliteHandle.close();
  }
  const target = openPostgres(values.to, { poolSize: 2 });
  const snapshot = openSnapshot(file);
  try {
    await migrateToLatest(target.db);
    process.stdout.write(`Copying ${file} to ${target.where}\n`);
    const result = await copyToPostgres(snapshot, target.db, ({ table, rows }) => {
      process.stdout.write(`  ${table.padEnd(24)} ${String(rows).padStart(10)} rows\n`);
    }, new AttachmentStore(from));
    const files = result.files ?? { files: 0, bytes: 0 };
    process.stdout.write(`  ${'attachment files'.padEnd(24)} ${String(files.files).padStart(10)} files, ${files.bytes} bytes\n`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Copied ${result.rows} rows in ${result.tables.length} tables in ${seconds} s; every table's count matches the source, every attachment file is in.\n` +
        `Run the servers with --database ${target.where} (LOCALDESK_DATABASE_URL); the SQLite folder is left as it was.\n`,
    );
    return 0;
  } finally {
    snapshot.close();
    await target.close();
  }
}
