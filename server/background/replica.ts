// A replica's engine: keeps this install's database a copy of the team host's and carries its
// queued writes there. One loop, one thing at a time:
//   snapshot (first start, or when the copy cannot be trusted) → push the queue in order →
//   pull the changes after our cursor → compare table checksums once per connection → wait for
//   a nudge (the host's /sync/stream, a local write, or 30 s).
// Any failure to reach the host makes the state `offline` and the loop retries with backoff;
// everything local keeps working meanwhile. Side effects (workflows, webhooks, e-mail, SLA) are
// the host's: a replica runs none of them.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { SyncOutboxRow } from '../../db/schema.ts';
import { nowIso } from '../core/clock.ts';
import type { Deps, ReplicaHandle, ReplicaStatus } from '../deps.ts';
import { applyChanges, clearReplicatedData, insertRows, rebuildAllEntries, withoutForeignKeys } from '../domain/sync/apply.ts';
import { type ChangesPage, type KeyRef, checksumTables } from '../domain/sync/host.ts';
import {
  countPending,
  dropReconciled,
  keysOfPending,
  pendingWrites,
  readState,
  reconcileKeys,
  refusedWrites,
  replicaCursor,
  resetReplicaLog,
  settleWrite,
  withHostIds,
  writeState,
} from '../domain/sync/replicaStore.ts';
import { type SyncRow, type SyncTableName, syncTable } from '../domain/sync/tables.ts';
import { ReplicaAttachmentStore } from './replicaFiles.ts';
import type { BackgroundTask } from './task.ts';

export interface ReplicaLink {
  host: string;
  deviceId: string;
  key: string;
}

/** The host could not be reached or answered 5xx/429: try again later. */
class Unreachable extends Error {}
/** Our copy cannot be trusted (cursor gone, checksums differ): take a fresh snapshot. */
class CopyStale extends Error {}

const requestTimeoutMs = 30_000;

export class ReplicaEngine implements ReplicaHandle {
  private state: ReplicaStatus['state'] = 'syncing';
  private error: string | null = null;
  private lastSyncedAt: string | null = null;
  private kicked = true;
  private wake: (() => void) | null = null;
  private stopped = false;
  private stream: AbortController | null = null;
  private verified = false;
  private needSnapshot = false;
  /** A fresh snapshot was taken and not yet compared: a difference then is not cured by another. */
  private freshCopy = false;
  private copyWarning: string | null = null;
  private snapshotReason: string | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly link: ReplicaLink,
    private readonly retry = { firstMs: 250, maxMs: deps.config.syncRetryMaxMs, idleMs: 30_000 },
  ) {}

  get host(): string {
    return this.link.host;
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async status(): Promise<ReplicaStatus> {
    const { db } = this.deps;
    const refused = await refusedWrites(db);
    return {
      role: 'replica',
      state: this.state,
      pending: await countPending(db),
      cursor: await replicaCursor(db),
      host: this.link.host,
      lastSyncedAt: this.lastSyncedAt,
      error: this.error,
      lastSnapshot: await this.lastSnapshot(),
      refused: refused.map((r) => ({
        id: r.id,
        method: r.method,
        path: r.path,
        status: r.status ?? 0,
        message: r.message ?? '',
        createdAt: r.created_at,
      })),
    };
  }

  private async lastSnapshot(): Promise<{ at: string; reason: string | null } | null> {
    const at = await readState(this.deps.db, 'snapshotAt');
    return at ? { at, reason: await readState(this.deps.db, 'snapshotReason') } : null;
  }

  start(): BackgroundTask {
    this.loop = this.run();
    return {
      stop: async () => {
        this.stopped = true;
        this.stream?.abort();
        this.wake?.();
        await this.loop;
      },
    };
  }

  private async run(): Promise<void> {
    let backoff = this.retry.firstMs;
    while (!this.stopped) {
      this.kicked = false;
      try {
        if (this.needSnapshot || (await readState(this.deps.db, 'snapshotAt')) === null) await this.snapshot();
        this.listen();
        await this.push();
        await this.pull();
        if (!this.verified) await this.verify();
        await this.fetchFiles();
        this.state = 'online';
        this.error = this.copyWarning;
        this.lastSyncedAt = nowIso(this.deps.clock);
        backoff = this.retry.firstMs;
        await this.idle(this.retry.idleMs);
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof CopyStale) {
          this.needSnapshot = true;
          this.snapshotReason = err.message;
          this.error = err.message;
          this.deps.logger.warn({ reason: err.message }, 'replica: taking a fresh snapshot of the host');
          continue;
        }
        this.state = 'offline';
        this.error = err instanceof Error ? err.message : String(err);
        this.verified = false;
        this.stream?.abort();
        this.stream = null;
        if (!(err instanceof Unreachable)) this.deps.logger.error({ err }, 'replica: sync failed');
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, this.retry.maxMs);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.kicked || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    try {
      return await fetch(`${this.link.host}${path}`, {
        method,
        headers: { 'X-API-Key': this.link.key, ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
        body: init.body,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (err) {
      throw new Unreachable(`cannot reach the host ${this.link.host}: ${(err as Error).message}`);
    }
  }

  private async json<T>(res: Response): Promise<T> {
    const text = await res.text();
    if (res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 403) {
      throw new Unreachable(`the host answered ${res.status}: ${errorMessage(text)}`);
    }
    if (res.status === 409) throw new CopyStale(errorMessage(text));
    if (!res.ok) throw new Error(`the host answered ${res.status}: ${errorMessage(text)}`);
    return (JSON.parse(text) as { data: T }).data;
  }

  /** The host's nudges: a pull after each commit there. Losing the stream is noticed by the loop. */
  private listen(): void {
    if (this.stream) return;
    const abort = new AbortController();
    this.stream = abort;
    void (async () => {
      try {
        const res = await fetch(`${this.link.host}/api/v1/sync/stream`, {
          headers: { 'X-API-Key': this.link.key },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          if (chunk.length > 0) this.kick();
        }
      } catch {
        // Ended or failed: the next round finds out whether the host is there.
      } finally {
        if (this.stream === abort) {
          this.stream = null;
          this.verified = false;
          this.kick();
        }
      }
    })();
  }

  /** Sends the queued writes in order; stops at the first the host cannot take now. */
  private async push(): Promise<void> {
    const { db } = this.deps;
    for (;;) {
      const batch = await pendingWrites(db, 50);
      if (batch.length === 0) return;
      for (const write of batch) await this.pushOne(write);
    }
  }

  private async pushOne(write: SyncOutboxRow): Promise<void> {
    const { db } = this.deps;
    const path = await withHostIds(db, write.path);
    const body = write.body === null ? undefined : await withHostIds(db, write.body);
    const expect = write.expect === null ? undefined : await withHostIds(db, write.expect);
    const res = await this.request(write.method, path, {
      body,
      headers: { 'Idempotency-Key': write.id, ...(expect ? { 'X-LocalDesk-Expect': expect } : {}) },
    });
    const text = await res.text();
    if (res.status >= 500 || res.status === 429 || res.status === 401) {
      throw new Unreachable(`the host answered ${res.status} to a queued write: ${errorMessage(text)}`);
    }
    let outcome: Parameters<typeof settleWrite>[2];
    if (res.ok) {
      const data = text ? ((JSON.parse(text) as { data?: { id?: unknown } }).data ?? null) : null;
      outcome = { refused: null, hostId: typeof data?.id === 'string' ? data.id : null };
    } else {
      // Refused for good (invalid, not allowed, gone): shown to its person with the reason.
      outcome = { refused: { status: res.status, message: errorMessage(text) }, hostId: null };
    }
    await withoutForeignKeys(db, (trx) => settleWrite(trx, write, outcome));
  }

  /** Applies the host's changes after our cursor, and its rows for what our writes touched. */
  private async pull(): Promise<void> {
    const { db } = this.deps;
    for (;;) {
      const after = await replicaCursor(db);
      const keys = await reconcileKeys(db);
      const page = await this.json<ChangesPage>(
        await this.request('POST', '/api/v1/sync/pull', { body: JSON.stringify({ after, keys }) }),
      );
      await this.applyPage(page, keys);
      if (!page.more && keys.length < 500) return;
    }
  }

  /** One page from the host, its cursor and the re-read keys it answered, in one transaction. */
  private async applyPage(page: ChangesPage, keys: readonly KeyRef[] = []): Promise<void> {
    await withoutForeignKeys(this.deps.db, async (trx) => {
      // Read in the transaction: a write queued after this could not be overwritten unseen.
      await applyChanges(trx, page.changes, await keysOfPending(trx));
      await dropReconciled(trx, keys);
      await writeState(trx, 'cursor', String(page.cursor));
    });
    if (page.changes.length > 0) void this.deps.hub.notify();
  }

  /** Attachment files the rows name and this folder lacks: a batch per round, until none. */
  private async fetchFiles(): Promise<void> {
    const store = this.deps.attachments;
    if (!(store instanceof ReplicaAttachmentStore)) return;
    try {
      if ((await store.fetchSomeMissing(this.deps.db, 20)) === 20) this.kick();
    } catch (err) {
      throw new Unreachable((err as Error).message);
    }
  }

  /** Compares every table with the host's at the same cursor; a difference means a fresh copy. */
  private async verify(): Promise<void> {
    const { db } = this.deps;
    if ((await countPending(db)) > 0) return;
    // Both sides read every row (seconds at a million messages): at the same time, not in turn.
    // The host's sums come with the changes since our cursor, from one snapshot of its own; when
    // there were none (the usual case) ours, computed meanwhile, compare as they are.
    const writesBefore = await lastQueued(db);
    const oursNow = checksumTables(db);
    const page = await this.json<ChangesPage>(
      await this.request('POST', '/api/v1/sync/pull', { body: JSON.stringify({ after: await replicaCursor(db), checksums: true }) }),
    );
    let ours = await oursNow;
    if (page.more || !page.checksums) return; // far behind: pull first, compare in a later round
    if (page.changes.length > 0) {
      await this.applyPage(page);
      ours = await checksumTables(db);
    }
    // Someone here wrote meanwhile: compare in a later round.
    if ((await lastQueued(db)) !== writesBefore) return;
    const host = { tables: page.checksums };
    const differ = Object.keys(host.tables).filter(
      (t) => JSON.stringify(host.tables[t]) !== JSON.stringify(ours[t]),
    );
    this.verified = true;
    const fresh = this.freshCopy;
    this.freshCopy = false;
    if (differ.length === 0) {
      this.copyWarning = null;
      return;
    }
    if (fresh) {
      // Copying again would differ again (two versions disagreeing on a column): say so, once.
      this.deps.logger.error({ tables: differ }, 'replica: a fresh copy still differs from the host');
      this.copyWarning = `a fresh copy still differs from the host in ${differ.join(', ')}: are both on the same version?`;
      return;
    }
    throw new CopyStale(`this copy differed from the host in ${differ.join(', ')}: copying the host again`);
  }

  /** Replaces every replicated row with the host's, in one transaction (all or nothing). */
  async snapshot(): Promise<void> {
    this.state = 'syncing';
    const { db } = this.deps;
    let res: Response;
    try {
      res = await fetch(`${this.link.host}/api/v1/sync/snapshot`, { headers: { 'X-API-Key': this.link.key } });
    } catch (err) {
      throw new Unreachable(`cannot reach the host ${this.link.host}: ${(err as Error).message}`);
    }
    if (!res.ok || !res.body) await this.json(res);
    const lines = createInterface({
      input: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
      crlfDelay: Infinity,
    });
    await withoutForeignKeys(db, async (trx) => {
      await clearReplicatedData(trx);
      let cursor: number | null = null;
      let ended = false;
      for await (const line of lines) {
        if (!line) continue;
        const item = JSON.parse(line) as { format?: string; cursor?: number; t?: string; r?: SyncRow[]; end?: boolean };
        if (item.format !== undefined) cursor = Number(item.cursor);
        else if (item.t !== undefined && syncTable(item.t)) await insertRows(trx, item.t as SyncTableName, item.r ?? []);
        else if (item.end) ended = true;
      }
      if (cursor === null || !ended) throw new Unreachable('the snapshot was cut off before its end: trying again');
      await rebuildAllEntries(trx);
      await resetReplicaLog(trx);
      await writeState(trx, 'cursor', String(cursor));
      await writeState(trx, 'snapshotAt', nowIso(this.deps.clock));
      if (this.snapshotReason) await writeState(trx, 'snapshotReason', this.snapshotReason);
      else await trx.deleteFrom('sync_state').where('name', '=', 'snapshotReason').execute();
    });
    this.needSnapshot = false;
    this.snapshotReason = null;
    this.verified = false;
    this.freshCopy = true;
    void this.deps.hub.notify();
  }
}

/** The newest write ever queued here (0: none). */
async function lastQueued(db: Deps['db']): Promise<number> {
  const row = await db.selectFrom('sync_outbox').select((eb) => eb.fn.max('seq').as('top')).executeTakeFirst();
  return Number(row?.top ?? 0);
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
