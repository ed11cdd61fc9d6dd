// Uploads over real HTTP and a look at what the store holds (on disk, or in the database).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { dialectName } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';

export interface AttachmentData {
  id: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
  createdAt: string;
}

/** A real 1×1 PNG (so a sniffer recognises it). */
export const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The first bytes of a PDF are enough for a sniffer; this one is also a valid, empty document. */
export const tinyPdf = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);

/** Bytes in the form fetch and Blob take (a copy). */
function bytes(data: Buffer | string): Uint8Array<ArrayBuffer> | string {
  return typeof data === 'string' ? data : Uint8Array.from(data);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface UploadResponse {
  status: number;
  headers: Headers;
  body: { data: AttachmentData; error: { code: string; message: string; details?: Record<string, unknown> } | null };
}

/** POST /attachments with a raw body. */
export async function uploadRaw(
  url: string,
  key: string,
  data: Buffer | string,
  options: { name?: string | null; type?: string | null } = {},
): Promise<UploadResponse> {
  const name = options.name === undefined ? 'file.bin' : options.name;
  const query = name === null ? '' : `?name=${encodeURIComponent(name)}`;
  const headers: Record<string, string> = { 'X-API-Key': key };
  const type = options.type === undefined ? 'application/octet-stream' : options.type;
  if (type !== null) headers['Content-Type'] = type;
  const res = await fetch(`${url}/api/v1/attachments${query}`, { method: 'POST', headers, body: bytes(data) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as UploadResponse['body'] };
}

/** POST /attachments as multipart/form-data (the way a browser form sends it). */
export async function uploadMultipart(
  url: string,
  key: string,
  data: Buffer | string,
  name: string,
  type = 'application/octet-stream',
  field = 'file',
): Promise<UploadResponse> {
  const form = new FormData();
  form.append(field, new Blob([bytes(data)], { type }), name);
  const res = await fetch(`${url}/api/v1/attachments`, { method: 'POST', headers: { 'X-API-Key': key }, body: form });
  return { status: res.status, headers: res.headers, body: (await res.json()) as UploadResponse['body'] };
}

/**
 * Sends a body chunk by chunk with no Content-Length (chunked), as a client that does not know
 * the size would, and reads the answer even if the server stops reading the body early.
 */
export function uploadChunked(
  url: string,
  key: string,
  chunks: number,
  chunkBytes: number,
  name = 'stream.bin',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/v1/attachments?name=${encodeURIComponent(name)}`,
      { method: 'POST', headers: { 'X-API-Key': key, 'Content-Type': 'application/octet-stream' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    // The server may close its side once it has answered: a write error is not the result.
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE' && (err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    const chunk = Buffer.alloc(chunkBytes, 7);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (req.destroyed) return;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** What the store holds: complete files (by hash) and temp files of uploads under way. */
export function storeContents(dataDir: string): { files: string[]; temps: string[] } {
  const root = join(dataDir, 'attachments');
  if (!existsSync(root)) return { files: [], temps: [] };
  const files: string[] = [];
  for (const shard of readdirSync(root)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    files.push(...readdirSync(join(root, shard)));
  }
  const incoming = join(root, 'incoming');
  const temps = existsSync(incoming) ? readdirSync(incoming) : [];
  return { files: files.sort(), temps };
}

/**
 * What a test server stores: its complete contents (by hash) and the temp files of uploads under
 * way. Contents are files in the data folder on SQLite and chunk rows in the database on
 * PostgreSQL (attachments.store.postgres.ts); temp files are on the server's disk on both.
 */
export async function storedContents(server: { dataDir: string; db: Kysely<Database> }): Promise<{ files: string[]; temps: string[] }> {
  const onDisk = storeContents(server.dataDir);
  if (dialectName(server.db) !== 'postgres') return onDisk;
  const rows = await server.db.selectFrom('attachment_chunks').select('sha256').where('n', '=', 0).orderBy('sha256').execute();
  return { files: rows.map((r) => r.sha256), temps: onDisk.temps };
}

/** The stored bytes of a content, wherever the server keeps them. */
export async function storedBytes(server: { dataDir: string; db: Kysely<Database> }, sha: string): Promise<Buffer> {
  if (dialectName(server.db) !== 'postgres') return readFileSync(join(server.dataDir, 'attachments', sha.slice(0, 2), sha));
  const rows = await server.db.selectFrom('attachment_chunks').select('bytes').where('sha256', '=', sha).orderBy('n').execute();
  return Buffer.concat(rows.map((r) => r.bytes));
}

/** Stores content no row names (what a crash between storing and committing leaves behind). */
export async function putStrayContent(server: { dataDir: string; db: Kysely<Database> }, text: string): Promise<string> {
  const sha = sha256(text);
  if (dialectName(server.db) === 'postgres') {
    await server.db.insertInto('attachment_chunks').values({ sha256: sha, n: 0, bytes: Buffer.from(text) }).execute();
  } else {
    const root = join(server.dataDir, 'attachments');
    mkdirSync(join(root, sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(root, sha.slice(0, 2), sha), text);
  }
  return sha;
}

/** Polls until `check` holds (background work such as the collector), or fails after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
