// A replica's attachment files: the rows come with the host's changes, the bytes are fetched
// from the host (GET /attachments/:id/content with the device key), checked against the
// SHA-256 the row names, and stored like an upload. The engine fetches what is missing after
// every pull, so files are there for offline use; a file asked for before that is fetched then.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AttachmentStore } from '../domain/attachments/attachments.store.ts';
import { AppError } from '../core/errors.ts';
import type { Db } from '../../db/schema.ts';

export interface HostLink {
  host: string;
  key: string;
}

/** The largest file the replica takes from its host (the host enforced its own limit already). */
const maxFileBytes = 2 * 1024 * 1024 * 1024;

class HostUnreachable extends AppError {}

export class ReplicaAttachmentStore extends AttachmentStore {
  /** Files the host would not give (missing there too): not asked for again by this process. */
  private readonly refused = new Set<string>();

  constructor(
    dataDir: string,
    private readonly link: HostLink,
  ) {
    super(dataDir);
  }

  /** Fetches the file of attachment `id` from the host unless it is here already. */
  override async fetchMissing(sha256: string, id: string): Promise<void> {
    if (await this.has(sha256)) return;
    let res: Response;
    try {
      res = await fetch(`${this.link.host}/api/v1/attachments/${encodeURIComponent(id)}/content`, {
        headers: { 'X-API-Key': this.link.key },
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      throw new HostUnreachable('UNAVAILABLE', `the file of attachment ${id} is on the host, which cannot be reached now (${(err as Error).message})`);
    }
    if (!res.ok || !res.body) {
      throw new AppError('UNAVAILABLE', `the host answered ${res.status} for the file of attachment ${id}`);
    }
    const received = await this.receive(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), maxFileBytes);
    if (received.sha256 !== sha256) {
      await this.discard(received);
      throw new AppError('UNAVAILABLE', `the host sent other bytes for attachment ${id} than its SHA-256 names`);
    }
    await this.place(received);
    await this.syncName(sha256);
  }

  /**
   * Fetches up to `limit` missing files; returns how many it fetched. A file the host will not
   * give is skipped (and logged by the caller's next read); losing the host stops the batch.
   */
  async fetchSomeMissing(db: Db, limit: number): Promise<number> {
    let fetched = 0;
    let after = '';
    while (fetched < limit) {
      const rows = await db.selectFrom('attachments').select(['id', 'sha256']).where('id', '>', after).orderBy('id').limit(200).execute();
      if (rows.length === 0) return fetched;
      for (const row of rows) {
        after = row.id;
        if (this.refused.has(row.id) || (await this.has(row.sha256))) continue;
        try {
          await this.fetchMissing(row.sha256, row.id);
        } catch (err) {
          if (err instanceof HostUnreachable) throw err;
          this.refused.add(row.id);
          continue;
        }
        if (++fetched >= limit) return fetched;
      }
    }
    return fetched;
  }
}
