// Archives of a data folder: a tar of the database and the attachment files it references, so
// one file holds everything (README: "Backups"). Used by backups (a database snapshot) and by
// exports (the NDJSON of every record). Files are named in the archive as in the data folder
// (`attachments/<sha256[0..2]>/<sha256>`), and are checked against their hash when read back.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Pack, extract as tarExtract, pack as tarPack } from 'tar-stream';
import { AppError } from '../../core/errors.ts';
import { type AttachmentStore, type Received, isSha256 } from '../attachments/attachments.store.ts';

export const manifestName = 'localdesk.json';
const attachmentEntry = /^attachments\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

export function attachmentEntryName(sha256: string): string {
  return `attachments/${sha256.slice(0, 2)}/${sha256}`;
}

export interface ArchiveFile {
  /** Its name inside the archive. */
  name: string;
  /** Where it is read from. */
  path: string;
}

export interface WrittenArchive {
  path: string;
  bytes: number;
  attachments: number;
  /** Referenced contents that were not in the store (the archive lacks them). */
  missing: string[];
}

/** True when `path` starts like a tar archive (ustar magic at offset 257). */
export async function isTarFile(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(262);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await file.close();
  }
}

async function addFile(pack: Pack, name: string, path: string): Promise<void> {
  const { size } = await stat(path);
  await pipeline(createReadStream(path), pack.entry({ name, size, mode: 0o600 }));
}

/** A stored content, read through the store: a file, or rows of the database (PostgreSQL). */
async function addContent(pack: Pack, store: AttachmentStore, sha256: string): Promise<void> {
  const size = await store.size(sha256);
  await pipeline(store.read(sha256), pack.entry({ name: attachmentEntryName(sha256), size, mode: 0o600 }));
}

/**
 * Writes `<destination>.part` (mode 0600) and renames it into place when complete, so no
 * archive is ever found half-written under its name: the manifest, the given files, then every
 * stored content in `shas` that exists (the others are listed as missing, in the manifest too).
 */
export async function writeArchive(
  destination: string,
  manifest: Record<string, unknown>,
  files: readonly ArchiveFile[],
  store: AttachmentStore,
  shas: readonly string[],
): Promise<WrittenArchive> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const sha of shas) ((await store.has(sha)) ? present : missing).push(sha);
  const partial = `${destination}.part`;
  await rm(partial, { force: true });
  const pack = tarPack();
  const out = createWriteStream(partial, { mode: 0o600, flags: 'wx' });
  const written = pipeline(pack, out);
  try {
    const head = JSON.stringify({ ...manifest, attachments: present.length, missingAttachments: missing }, null, 2);
    pack.entry({ name: manifestName, mode: 0o600 }, `${head}\n`);
    for (const file of files) await addFile(pack, file.name, file.path);
    for (const sha of present) await addContent(pack, store, sha);
    pack.finalize();
    await written;
    const fd = await open(partial, 'r+');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
    await rename(partial, destination);
  } catch (err) {
    pack.destroy();
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
  const { size } = await stat(destination);
  return { path: destination, bytes: size, attachments: present.length, missing };
}

export interface ReadArchive {
  manifest: Record<string, unknown> | null;
  /** The other named files, written where `placeOf` said. */
  files: Map<string, string>;
  /** Attachment contents received into the store's temp folder, checked against their hash. */
  received: Received[];
}

function damaged(message: string): AppError {
  return new AppError('BAD_REQUEST', `the archive is damaged or not a LocalDesk archive: ${message}`, {
    errors: [{ path: '', message }],
  });
}

/**
 * Reads an archive: the manifest, the files `placeOf` accepts (written to the path it returns),
 * and attachment contents (streamed into the store's temp folder; a content whose bytes do not
 * hash to its name is refused). Anything else in it is an error. On failure nothing received is
 * kept.
 */
export async function readArchive(
  source: Readable,
  store: AttachmentStore,
  placeOf: (name: string) => string | null,
): Promise<ReadArchive> {
  const result: ReadArchive = { manifest: null, files: new Map(), received: [] };
  const extract = tarExtract();
  const feeding = pipeline(source, extract).catch((err: unknown) => {
    throw damaged((err as Error).message);
  });
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type !== 'file') throw damaged(`unexpected ${type ?? 'entry'} ${name}`);
      if (name === manifestName) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        try {
          result.manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          throw damaged(`${manifestName} is not JSON`);
        }
        continue;
      }
      const match = attachmentEntry.exec(name);
      if (match) {
        const sha = match[2] as string;
        const received = await store.receive(entry as unknown as Readable, Number.MAX_SAFE_INTEGER);
        result.received.push(received);
        if (!isSha256(sha) || received.sha256 !== sha) throw damaged(`${name} does not hash to its name`);
        continue;
      }
      const target = placeOf(name);
      if (!target) throw damaged(`unexpected file ${name}`);
      await pipeline(entry, createWriteStream(target, { mode: 0o600 }));
      result.files.set(name, target);
    }
    await feeding;
  } catch (err) {
    extract.destroy();
    await feeding.catch(() => undefined);
    for (const received of result.received) await store.discard(received);
    for (const path of result.files.values()) await rm(path, { force: true });
    throw err instanceof AppError ? err : damaged((err as Error).message);
  }
  return result;
}
