// The bytes of attachments, beside the database: `<data>/attachments/<sha256[0..2]>/<sha256>`.
// Content-addressed, so identical files are stored once and a stored file never changes.
//
// An upload is streamed into `incoming/<pid>-<uuid>.part` (hashed on the way, never held in
// memory), fsynced, and only then moved to its final name — and that move happens inside the
// database transaction that inserts the row referencing it (`place`), while the collector
// deletes a file only inside a transaction that finds no row referencing it. SQLite's write
// lock therefore orders the two, in this process and across processes: a committed row always
// has its complete file. A crash leaves at worst a temp file (removed at the next start when its
// process is gone) or a complete file no row references (collected).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { Db } from '../../../db/schema.ts';

const shaPattern = /^[0-9a-f]{64}$/;
const shardPattern = /^[0-9a-f]{2}$/;
const tempPattern = /^(\d+)-[0-9a-f-]{36}\.part$/;

/** More bytes arrived than the limit allows; the partial file is already gone. */
export class TooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the file is larger than ${limitBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

/** The sender stopped before the end (connection closed). */
export class AbortedError extends Error {
  constructor(reason?: string) {
    super(reason ? `the upload could not be read: ${reason}` : 'the upload ended before it was complete');
    this.name = 'AbortedError';
  }
}

/** A complete, fsynced upload waiting under its temp name for its row. */
export interface Received {
  tempPath: string;
  sha256: string;
  size: number;
  /** What the first bytes show (file-type), or null. */
  sniffedType: string | null;
}

export function isSha256(value: string): boolean {
  return shaPattern.test(value);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Copies `source` into `file` chunk by chunk, waiting for each write (so memory holds one chunk),
 * hashing as it goes. Never destroys `source`: on an error it stops reading, so an HTTP request
 * can still be answered (413) on its connection.
 */
function copyInto(source: Readable, file: FileHandle, limitBytes: number): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    let writing: Promise<unknown> = Promise.resolve();
    const cleanup = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      source.pause();
      void writing.finally(() => reject(err));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) return fail(new TooLargeError(limitBytes));
      hash.update(chunk);
      source.pause();
      writing = file.write(chunk).then(
        () => {
          if (!settled) source.resume();
        },
        (err: unknown) => fail(err),
      );
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      cleanup();
      void writing.then(() => resolve({ sha256: hash.digest('hex'), size }), reject);
    };
    const onClose = () => fail(new AbortedError());
    const onError = (err: Error) => fail(new AbortedError(err.message));
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    source.once('close', onClose);
    source.resume();
  });
}

export class AttachmentStore {
  readonly root: string;
  private readonly incoming: string;
  /** Temp files this process is writing right now (the start-up sweep leaves them alone). */
  private readonly active = new Set<string>();
  /** While > 0 (a backup copying files), the collector deletes nothing. */
  private holds = 0;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'attachments');
    this.incoming = join(this.root, 'incoming');
  }

  /** Where the content with this hash lives; a malformed hash never becomes a path. */
  pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Streams `source` into a temp file, at most `limitBytes`; the file is fsynced on return. */
  async receive(source: Readable, limitBytes: number): Promise<Received> {
    await mkdir(this.incoming, { recursive: true, mode: 0o700 });
    const tempPath = join(this.incoming, `${process.pid}-${randomUUID()}.part`);
    this.active.add(tempPath);
    try {
      const file = await open(tempPath, 'wx', 0o600);
      let written: { sha256: string; size: number };
      try {
        written = await copyInto(source, file, limitBytes);
        await file.sync();
      } finally {
        await file.close();
      }
      const sniffed = await fileTypeFromFile(tempPath).catch(() => undefined);
      return { tempPath, ...written, sniffedType: sniffed?.mime ?? null };
    } catch (err) {
      this.active.delete(tempPath);
      await rm(tempPath, { force: true });
      throw err;
    }
  }

  /**
   * Gives a received file its final name. Call it inside the transaction that inserts the row
   * naming it (see the top of this file), passing that transaction (the database store,
   * attachments.store.postgres.ts, writes the content in it). Content already stored is kept
   * and the copy dropped.
   */
  async place(received: Received, _trx?: Db): Promise<void> {
    const final = this.pathOf(received.sha256);
    if (await this.has(received.sha256)) {
      await rm(received.tempPath, { force: true });
    } else {
      await mkdir(dirname(final), { recursive: true, mode: 0o700 });
      await rename(received.tempPath, final);
    }
    this.active.delete(received.tempPath);
  }

  /** After the commit: makes the new name itself durable (a power cut could lose a rename). */
  async syncName(sha256: string): Promise<void> {
    try {
      const dir = await open(dirname(this.pathOf(sha256)), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // Some platforms (Windows) cannot open a folder to sync it; the rename stands anyway.
    }
  }

  /** Drops a received file that will not be placed (its request failed). */
  async discard(received: Received): Promise<void> {
    this.active.delete(received.tempPath);
    await rm(received.tempPath, { force: true });
  }

  async has(sha256: string, _db?: Db): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** The size in bytes of stored content (an archive entry's header needs it first). */
  async size(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size;
  }

  /**
   * Makes sure the content is here before it is read. Files live here, so nothing to do; a
   * replica fetches them from its host (server/background/replicaFiles.ts).
   */
  async fetchMissing(_sha256: string, _id: string): Promise<void> {}

  /** The stored bytes (or a byte range of them, inclusive). */
  read(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), range);
  }

  /** Deletes stored content; call it inside a transaction that found no row referencing it. */
  async remove(sha256: string, _trx?: Db): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  /** Pauses collection (in this process) while `fn` runs: a backup copies what its snapshot names. */
  async holding<T>(fn: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await fn();
    } finally {
      this.holds--;
    }
  }

  get collectionHeld(): boolean {
    return this.holds > 0;
  }

  /** Temp files left by a process that is gone (killed mid-upload): safe to delete. */
  async staleTemps(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.incoming);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    return names.flatMap((name) => {
      const path = join(this.incoming, name);
      const pid = Number(tempPattern.exec(name)?.[1] ?? Number.NaN);
      if (Number.isNaN(pid) || this.active.has(path)) return [];
      // Our own pid on a name we are not writing: a previous process that had the same pid.
      return pid === process.pid || !processAlive(pid) ? [path] : [];
    });
  }

  /** Every stored content hash (the whole store, shard by shard). */
  async *contents(): AsyncGenerator<string> {
    let shards: string[];
    try {
      shards = await readdir(this.root);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const shard of shards.filter((s) => shardPattern.test(s)).sort()) {
      const names = await readdir(join(this.root, shard)).catch(() => [] as string[]);
      for (const name of names) if (isSha256(name) && name.startsWith(shard)) yield name;
    }
  }
}
