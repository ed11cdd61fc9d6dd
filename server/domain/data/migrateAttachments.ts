// The bytes of an install's attachments, moved by `localdesk migrate`: on SQLite they are files
// in the data folder (attachments.store.ts); on PostgreSQL they are rows of attachment_chunks
// (attachments.store.postgres.ts), because every node must serve a file any node received.
// Written in the copy's transaction, so a failed move still leaves the target empty.
import { stat } from 'node:fs/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from '../../../db/schema.ts';
import { storeFile } from '../attachments/attachments.store.postgres.ts';
import type { AttachmentStore } from '../attachments/attachments.store.ts';

export interface FilesCopy {
  files: number;
  bytes: number;
}

/**
 * Every content an attachment row of `source` names, read from `store` (the install's file
 * store) into chunks in `trx`. A file that is missing stops the move: the copy would otherwise
 * hold attachments no node can serve.
 */
export async function copyAttachmentFiles(trx: Db, source: BetterSqlite3.Database, store: AttachmentStore): Promise<FilesCopy> {
  const shas = source.prepare('select distinct sha256 from attachments order by sha256').pluck().all() as string[];
  const missing: string[] = [];
  let bytes = 0;
  for (const sha of shas) {
    const path = store.pathOf(sha);
    const size = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) {
      missing.push(sha);
      continue;
    }
    await storeFile(trx, sha, path);
    bytes += size;
  }
  if (missing.length > 0) {
    const named = missing.slice(0, 3).map((sha) => store.pathOf(sha)).join(', ');
    throw new Error(`migrate: ${missing.length} attachment file(s) missing from ${store.root} (${named}${missing.length > 3 ? ', …' : ''}); nothing was copied`);
  }
  return { files: shas.length, bytes };
}

/** After the copy: as many stored contents, and as many bytes, as were read. */
export async function checkAttachmentFiles(db: Db, expected: FilesCopy): Promise<string[]> {
  const { rows } = await sql<{ files: number; bytes: string | number | null }>`select
    count(*) filter (where n = 0) as files, sum(length(bytes)) as bytes from attachment_chunks`.execute(db);
  const files = Number(rows[0]?.files ?? 0);
  const bytes = Number(rows[0]?.bytes ?? 0);
  const differences: string[] = [];
  if (files !== expected.files) differences.push(`attachment files: ${expected.files} in the source, ${files} copied`);
  if (bytes !== expected.bytes) differences.push(`attachment bytes: ${expected.bytes} in the source, ${bytes} copied`);
  return differences;
}
