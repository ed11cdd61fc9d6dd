// Collection: uploads never put on a message expire, and files no row references any more are
// deleted. A file is deleted only inside a write transaction that finds no row naming it, the
// same lock under which uploads and imports give a file its final name (attachments.store.ts),
// so collection never races a new reference, in this process or another.
import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { Db } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { presentAttachment } from './attachments.presenter.ts';
import type { AttachmentStore } from './attachments.store.ts';

export interface CollectOptions {
  /** An upload on no message for longer than this is deleted. */
  unlinkedTtlMs: number;
  /** A content whose last row went this long ago is deleted from disk. */
  orphanGraceMs: number;
  /** Also look through the whole store: files a crash left behind (at start-up). */
  full: boolean;
}

export interface CollectResult {
  expired: number;
  removed: number;
  temps: number;
}

const batch = 500;

function isoBefore(ctx: Ctx, ms: number): string {
  return new Date(ctx.clock.now().getTime() - ms).toISOString();
}

/** Takes the write lock first, so nothing can be committed between our check and our delete. */
async function lockForWrite(db: Db): Promise<void> {
  await sql`delete from attachment_orphans where 1 = 0`.execute(db);
}

/** Deletes uploads older than the TTL that were never put on a message (their files follow). */
async function expireUnlinked(ctx: Ctx, ttlMs: number): Promise<number> {
  const cutoff = isoBefore(ctx, ttlMs);
  let expired = 0;
  for (;;) {
    const n = await inTransaction(ctx, async (tx) => {
      const rows = await tx.db
        .selectFrom('attachments')
        .selectAll()
        .where('linked_at', 'is', null)
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .limit(batch)
        .execute();
      for (const row of rows) {
        await tx.db.deleteFrom('attachments').where('id', '=', row.id).execute();
        await recordEvent(tx, {
          type: 'attachment.deleted',
          resourceType: 'attachment',
          resourceId: row.id,
          data: { attachment: presentAttachment(row), reason: 'never attached to a message' },
        });
      }
      return rows.length;
    });
    expired += n;
    if (n < batch) return expired;
  }
}

/** Deletes the file of `sha256` if no row names it (inside the caller's write transaction). */
async function removeIfUnreferenced(tx: Ctx, store: AttachmentStore, sha256: string): Promise<boolean> {
  const used = await tx.db.selectFrom('attachments').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst();
  if (used) return false;
  await store.remove(sha256, tx.db);
  return true;
}

/** Contents whose last row went: their files go once the grace period has passed. */
async function drainOrphans(ctx: Ctx, store: AttachmentStore, graceMs: number): Promise<number> {
  await ctx.db.updateTable('attachment_orphans').set({ queued_at: nowIso(ctx.clock) }).where('queued_at', 'is', null).execute();
  const cutoff = isoBefore(ctx, graceMs);
  let removed = 0;
  for (;;) {
    const { n, gone } = await inTransaction(ctx, async (tx) => {
      await lockForWrite(tx.db);
      const due = await tx.db
        .selectFrom('attachment_orphans')
        .select('sha256')
        .where('queued_at', '<=', cutoff)
        .limit(batch)
        .execute();
      let gone = 0;
      for (const { sha256 } of due) {
        if (await removeIfUnreferenced(tx, store, sha256)) gone++;
        await tx.db.deleteFrom('attachment_orphans').where('sha256', '=', sha256).execute();
      }
      return { n: due.length, gone };
    });
    removed += gone;
    if (n < batch) return removed;
  }
}

/** The whole store: temp files of processes that are gone, and files no row or queue names. */
async function sweepStore(ctx: Ctx, store: AttachmentStore): Promise<{ removed: number; temps: number }> {
  const temps = await store.staleTemps();
  for (const path of temps) await rm(path, { force: true });
  let removed = 0;
  let pending: string[] = [];
  const check = async (shas: string[]) => {
    removed += await inTransaction(ctx, async (tx) => {
      await lockForWrite(tx.db);
      const listed = dialectOf(tx.db).jsonArrayValues(JSON.stringify(shas), 'text');
      const { rows } = await sql<{ sha256: string }>`select l.value as sha256 from ${listed} as l
        where l.value not in (select sha256 from attachments where sha256 in ${listed})
          and l.value not in (select sha256 from attachment_orphans)`.execute(tx.db);
      for (const { sha256 } of rows) await store.remove(sha256, tx.db);
      return rows.length;
    });
  };
  for await (const sha of store.contents()) {
    pending.push(sha);
    if (pending.length >= batch) {
      await check(pending);
      pending = [];
    }
  }
  if (pending.length > 0) await check(pending);
  return { removed, temps: temps.length };
}

export async function collectAttachments(ctx: Ctx, store: AttachmentStore, options: CollectOptions): Promise<CollectResult> {
  const expired = await expireUnlinked(ctx, options.unlinkedTtlMs);
  // A backup in this process is copying what its snapshot names: delete nothing meanwhile.
  if (store.collectionHeld) return { expired, removed: 0, temps: 0 };
  let removed = await drainOrphans(ctx, store, options.orphanGraceMs);
  let temps = 0;
  if (options.full) {
    const swept = await sweepStore(ctx, store);
    removed += swept.removed;
    temps = swept.temps;
  }
  return { expired, removed, temps };
}
