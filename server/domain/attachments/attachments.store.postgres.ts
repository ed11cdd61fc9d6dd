// The bytes of attachments when servers share a PostgreSQL database: in the database
// (attachment_chunks, 1 MiB a row), because any node must serve a file another node received
// and the nodes share nothing else. The rules of the file store (attachments.store.ts) hold:
// an upload is streamed to a temp file on this node first (hashed, never held in memory), and
// its chunks are written inside the transaction that inserts the row naming it, so a committed
// row always has its whole content; the collector deletes chunks only inside a write
// transaction that finds no row naming them. Content already stored is not stored again.
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../../db/schema.ts';
import { AttachmentStore, type Received, isSha256 } from './attachments.store.ts';

/** Bytes per chunk row: large enough to keep the rows few, small enough to stream. */
export const chunkBytes = 1024 * 1024;

export class DatabaseAttachmentStore extends AttachmentStore {
  constructor(
    dataDir: string,
    private readonly db: Db,
  ) {
    super(dataDir);
  }

  override pathOf(sha256: string): string {
    throw new Error(`attachment ${sha256.slice(0, 12)}… is stored in the database, not in a file`);
  }

  override async has(sha256: string, db: Db = this.db): Promise<boolean> {
    if (!isSha256(sha256)) return false;
    const { rows } = await sql<{ found: number }>`select 1 as found from attachment_chunks
      where sha256 = ${sha256} and n = 0`.execute(db);
    return rows.length > 0;
  }

  /** Writes the received file's chunks in `db`, the transaction inserting the row naming it. */
  override async place(received: Received, db?: Db): Promise<void> {
    if (!db?.isTransaction) throw new Error('place: the database store writes in the row’s transaction');
    try {
      if (!(await this.has(received.sha256, db))) await storeFile(db, received.sha256, received.tempPath);
    } finally {
      await this.discard(received);
    }
  }

  override async syncName(): Promise<void> {
    // Committed with the row: nothing is left to make durable.
  }

  override async size(sha256: string): Promise<number> {
    const { rows } = await sql<{ bytes: number | null }>`select sum(octet_length(bytes)) as bytes
      from attachment_chunks where sha256 = ${sha256}`.execute(this.db);
    const bytes = rows[0]?.bytes;
    if (bytes === null || bytes === undefined) throw new Error(`no stored content ${sha256}`);
    return bytes;
  }

  override read(sha256: string, range?: { start: number; end: number }): Readable {
    const start = range?.start ?? 0;
    const end = range?.end ?? Number.MAX_SAFE_INTEGER;
    const db = this.db;
    const stream = Readable.from(readChunks(db, sha256, start, end));
    // Like fs.createReadStream: 'open' once the content is known to exist, else 'error'.
    void this.has(sha256).then(
      (found) => (found ? stream.emit('open') : stream.destroy(new Error(`no stored content ${sha256}`))),
      (err: unknown) => stream.destroy(err as Error),
    );
    return stream;
  }

  override async remove(sha256: string, db: Db = this.db): Promise<void> {
    await sql`delete from attachment_chunks where sha256 = ${sha256}`.execute(db);
  }

  override async *contents(): AsyncGenerator<string> {
    let after = '';
    for (;;) {
      const { rows } = await sql<{ sha256: string }>`select sha256 from attachment_chunks
        where n = 0 and sha256 > ${after} order by sha256 limit 500`.execute(this.db);
      for (const row of rows) yield row.sha256;
      const last = rows.at(-1);
      if (!last || rows.length < 500) return;
      after = last.sha256;
    }
  }
}

/** The file's chunks as rows (one empty chunk for an empty file, so the content still exists). */
export async function storeFile(db: Db, sha256: string, path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(chunkBytes);
    for (let n = 0; ; n++) {
      const { bytesRead } = await file.read(buffer, 0, chunkBytes, n * chunkBytes);
      if (bytesRead === 0 && n > 0) return;
      await sql`insert into attachment_chunks (sha256, n, bytes)
        values (${sha256}, ${n}, ${buffer.subarray(0, bytesRead)})
        on conflict do nothing`.execute(db);
      if (bytesRead < chunkBytes) return;
    }
  } finally {
    await file.close();
  }
}

/** The bytes [start, end] (inclusive) of a stored content, a chunk row at a time. */
async function* readChunks(db: Db, sha256: string, start: number, end: number): AsyncGenerator<Buffer> {
  for (let n = Math.floor(start / chunkBytes); n * chunkBytes <= end; n++) {
    const { rows } = await sql<{ bytes: Buffer }>`select bytes from attachment_chunks
      where sha256 = ${sha256} and n = ${n}`.execute(db);
    const chunk = rows[0]?.bytes;
    if (!chunk || chunk.length === 0) return;
    const from = n * chunkBytes;
    yield chunk.subarray(Math.max(0, start - from), Math.min(chunk.length, end - from + 1));
    if (chunk.length < chunkBytes) return;
  }
}

