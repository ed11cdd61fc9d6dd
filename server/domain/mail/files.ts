// A mail's files as attachments: each part (inline images included) and the raw message itself,
// kept as `original.eml` for "Show original". They go into the attachment store before the
// import's transaction, each with its own row, and the import puts them on the message it
// creates (attachments.service attachToMessage), so its message.created event lists them. Should
// the import fail, they stay unlinked and the attachment collector removes them after its grace
// period, like any upload never attached to a message.
import { Readable } from 'node:stream';
import type { Ctx } from '../context.ts';
import { createAttachment } from '../attachments/attachments.service.ts';
import type { AttachmentStore } from '../attachments/attachments.store.ts';
import type { ParsedInbound } from './parse.ts';

/** What the import needs of a mail's stored files. */
export interface StoredFiles {
  /** Attachment ids for the message, in the order of the mail's parts, the original last. */
  ids: string[];
  originalId: string | null;
  /** The URL an inline part (by Content-ID) is served at, for the HTML. */
  urlOfCid(cid: string): string | null;
}

export const noFiles: StoredFiles = { ids: [], originalId: null, urlOfCid: () => null };

/** The URL an attachment's bytes are served at (the HTML of a mail points its inline images there). */
export function contentUrl(attachmentId: string): string {
  return `/api/v1/attachments/${attachmentId}/content`;
}

/**
 * Stores the parts of a mail a person wrote, and its raw bytes, as attachments (`limitBytes` for
 * each: the mail's own size limit, which already bounds them all).
 */
export async function storeMailFiles(
  ctx: Ctx,
  store: AttachmentStore,
  mail: ParsedInbound,
  raw: Buffer,
  limitBytes: number,
): Promise<StoredFiles> {
  const ids: string[] = [];
  const byCid = new Map<string, string>();
  for (const file of mail.files) {
    const stored = await createAttachment(ctx, store, {
      name: file.filename,
      declaredType: file.contentType,
      source: Readable.from([file.content]),
      limitBytes,
    });
    ids.push(stored.id);
    if (file.cid) byCid.set(file.cid, stored.id);
  }
  const original = await createAttachment(ctx, store, {
    name: 'original.eml',
    declaredType: 'message/rfc822',
    source: Readable.from([raw]),
    limitBytes: Math.max(limitBytes, raw.length),
  });
  ids.push(original.id);
  return {
    ids,
    originalId: original.id,
    urlOfCid: (cid) => {
      const id = byCid.get(cid);
      return id ? contentUrl(id) : null;
    },
  };
}
