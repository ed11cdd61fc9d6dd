// Files on messages. The bytes are uploaded first (POST /attachments, streamed), then named by
// id in a message's `attachments`; the schemas here describe the metadata on the wire.
import { z } from 'zod';
import { Timestamp } from './base.ts';

/** Attachments one message may carry; their total size is limited too (see the routes). */
export const maxAttachmentsPerMessage = 10;

export const Attachment = z
  .object({
    id: z.string().meta({ example: 'att_01JQ...' }),
    name: z.string().meta({
      description: 'The file name as uploaded, cleaned: no control or bidi characters, no path separators',
    }),
    size: z.number().int().meta({ description: 'Bytes' }),
    contentType: z.string().meta({
      description: 'The type it is served as: the type its first bytes show when they show one, else the declared type',
    }),
    sha256: z.string().meta({ description: 'Hex SHA-256 of the content (also its ETag)' }),
    createdAt: Timestamp,
  })
  .meta({ id: 'Attachment' });

/** The `attachments` field of a new message: ids of the caller's own uploads, not yet attached. */
export const AttachmentIds = z
  .array(z.string().trim().min(1))
  .max(maxAttachmentsPerMessage)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'names an attachment twice' })
  .meta({
    description:
      `Up to ${maxAttachmentsPerMessage} att_ ids from POST /attachments, uploaded with this key's user ` +
      'and not yet on a message. Their total size is limited per message (413).',
  });

export const AttachmentUploadQuery = z.strictObject({
  name: z.string().max(10_000).optional().meta({
    description: 'The file name, for a raw body (required then); a multipart part carries its own',
  }),
});

export const AttachmentContentQuery = z.strictObject({
  download: z
    .enum(['1', 'true'])
    .optional()
    .meta({ description: 'Serve even a safe image as a download (`Content-Disposition: attachment`)' }),
});

export type AttachmentT = z.output<typeof Attachment>;
