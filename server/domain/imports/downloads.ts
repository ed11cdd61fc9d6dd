// The files of imported messages. Before a batch's transaction (no network call happens inside
// one), every attachment of its tickets that is not here yet is downloaded with the run's
// credentials and stored like an upload (attachments.service createAttachment: its own row,
// unlinked); the batch then puts it on its message (write.messages.ts). A file the product will
// not give, or one over the size limit, is refused with the reason and keeps its details in
// imported_attachments; a later run that reads its ticket again (`full`, or the ticket changed)
// tries it again. Files of a batch that rolls back stay unlinked and the attachment collector
// removes them, as it does any upload never attached.
import { Readable } from 'node:stream';
import type { ImportSourceName } from '../../../db/schema.ts';
import { createAttachment } from '../attachments/attachments.service.ts';
import type { AttachmentStore } from '../attachments/attachments.store.ts';
import type { Ctx } from '../context.ts';
import { importedId } from './ids.ts';
import type { ReadControl } from './sources.ts';
import { ImportSourceError, type SourceAttachment, type SourceItem } from './sources/types.ts';
import { Tally } from './tally.ts';

export interface FileTarget {
  store: AttachmentStore;
  /** The per-file limit of uploads (LOCALDESK_MAX_ATTACHMENT_MB). */
  limitBytes: number;
}

export interface Downloaded {
  /** Attachment id by the product's attachment id, for the files downloaded for this batch. */
  files: ReadonlyMap<string, string>;
  /** The files refused, with their reasons (added to the batch's tally when it commits). */
  tally: Tally;
}

export const nothingDownloaded: Downloaded = { files: new Map(), tally: new Tally() };

function sizeText(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

interface Wanted {
  a: SourceAttachment;
  /** Derived like every imported id (ids.ts), so a resumed run and an uninterrupted one agree. */
  id: string;
}

/** The attachments of a batch whose files are not on their messages yet. */
async function missing(ctx: Ctx, source: ImportSourceName, items: readonly SourceItem[]): Promise<Wanted[]> {
  const all = items.flatMap((i) =>
    i.kind === 'ticket'
      ? i.item.messages.flatMap((m) => m.attachments.map((a) => ({ a, id: importedId('attachment', source, a.externalId, m.createdAt) })))
      : [],
  );
  if (all.length === 0) return [];
  const here = new Set<string>();
  for (let i = 0; i < all.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('imported_attachments')
      .select('external_id')
      .where('source', '=', source)
      .where('external_id', 'in', all.slice(i, i + 500).map((w) => w.a.externalId))
      .where('attachment_id', 'is not', null)
      .execute();
    for (const r of rows) here.add(r.external_id);
  }
  const seen = new Set<string>();
  return all.filter(({ a }) => !here.has(a.externalId) && !seen.has(a.externalId) && seen.add(a.externalId));
}

export async function downloadFiles(
  ctx: Ctx,
  target: FileTarget,
  source: ImportSourceName,
  download: (a: SourceAttachment, control: ReadControl) => Promise<{ bytes: Uint8Array; contentType: string }>,
  control: ReadControl,
  items: readonly SourceItem[],
): Promise<Downloaded> {
  const files = new Map<string, string>();
  const tally = new Tally();
  for (const { a, id } of await missing(ctx, source, items)) {
    // Downloaded by a run whose batch did not commit (killed, or rolled back): use it again.
    const left = await ctx.db.selectFrom('attachments').select('id').where('id', '=', id).where('linked_at', 'is', null).executeTakeFirst();
    if (left) {
      files.set(a.externalId, id);
      continue;
    }
    if (a.size !== null && a.size > target.limitBytes) {
      tally.refuse('attachments', a.externalId, `${a.name}: ${sizeText(a.size)} is over the ${sizeText(target.limitBytes)} limit of attachments; its details are kept`);
      continue;
    }
    let got: { bytes: Uint8Array; contentType: string };
    try {
      got = await download(a, control);
    } catch (err) {
      // Stopping the run is not the file's fault: the batch is not written either.
      if (control.signal.aborted || !(err instanceof ImportSourceError)) throw err;
      tally.refuse('attachments', a.externalId, `${a.name}: the file could not be downloaded (${err.message}); importing again with full tries it again`);
      continue;
    }
    if (got.bytes.byteLength > target.limitBytes) {
      tally.refuse('attachments', a.externalId, `${a.name}: ${sizeText(got.bytes.byteLength)} is over the ${sizeText(target.limitBytes)} limit of attachments; its details are kept`);
      continue;
    }
    const stored = await createAttachment(ctx, target.store, {
      name: a.name,
      declaredType: a.contentType || got.contentType,
      source: Readable.from([Buffer.from(got.bytes.buffer, got.bytes.byteOffset, got.bytes.byteLength)]),
      limitBytes: target.limitBytes,
      id,
    });
    files.set(a.externalId, stored.id);
  }
  return { files, tally };
}
