// POST /attachments (a streamed upload), GET /attachments/:id (metadata) and
// GET /attachments/:id/content (the file, served so that a browser never runs it).
import { once } from 'node:events';
import { Attachment, AttachmentContentQuery, AttachmentUploadQuery } from '../../common/contract/attachments.ts';
import { isInlineImage, servedType } from '../../common/rules/attachments.ts';
import { AppError } from '../core/errors.ts';
import { createAttachment, getAttachment, readableAttachment } from '../domain/attachments/attachments.service.ts';
import { dispositionOf, parseRange, setContentSafetyHeaders } from '../http/download.ts';
import { etagMatches } from '../http/etag.ts';
import { defineRoute } from '../http/route.ts';
import { uploadSource } from '../http/upload.ts';

const tag = 'Attachments';

export const attachmentRoutes = [
  defineRoute({
    method: 'POST',
    path: '/attachments',
    tag,
    summary: 'Upload a file, to attach to a message',
    description:
      'Send the file as the raw body, named by `?name=` and typed by `Content-Type`, or as the part ' +
      '`file` of a `multipart/form-data` body. It is streamed to disk (never held in memory) and ' +
      'stored once per content. Name it in `attachments` of a new ticket or message within 24 hours, ' +
      'or it is deleted. One file may hold up to LOCALDESK_MAX_ATTACHMENT_MB (default 25 MB): past ' +
      'it the answer is 413 with `details.limitBytes` and nothing is kept. Needs tickets:write or ' +
      'conversations:write. Not covered by Idempotency-Key: a repeated upload is one more (unused) ' +
      'upload of the same stored content.',
    scope: 'any',
    query: AttachmentUploadQuery,
    bodyStream: {
      mediaTypes: ['application/octet-stream', 'multipart/form-data'],
      description: 'The file: any Content-Type as a raw body (with `?name=`), or a multipart part named `file`',
    },
    status: 201,
    response: Attachment,
    idempotency: false,
    handler: async ({ ctx, query, deps, http }) => {
      const limitBytes = deps.config.maxAttachmentBytes;
      try {
        const upload = await uploadSource(http, query.name, limitBytes);
        return { data: await createAttachment(ctx, deps.attachments, { ...upload, limitBytes }) };
      } catch (err) {
        // What is left of the body stays unread: the connection closes after the answer.
        if (!http.req.complete) http.set('Connection', 'close');
        throw err;
      }
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/attachments/:id',
    tag,
    summary: "An attachment's metadata",
    description:
      'Readable with tickets:read when it is on a ticket\'s message, conversations:read when on a ' +
      "conversation's; an upload on no message yet only by its uploader (and admins).",
    scope: 'any',
    response: Attachment,
    handler: async ({ ctx, params }) => ({ data: await getAttachment(ctx, params.id) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/attachments/:id/content',
    tag,
    summary: 'The file itself',
    description:
      'Same access as the metadata. Served as `contentType` (the type the bytes show, not only the ' +
      'declared one) with `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`, ' +
      'and as a download (`Content-Disposition: attachment` with an RFC 6266 file name) — except ' +
      'PNG, JPEG, GIF and WebP images, which are `inline` unless `?download=1`. `ETag` is the ' +
      'SHA-256 (If-None-Match → 304); a single `Range: bytes=a-b` gets 206.',
    scope: 'any',
    query: AttachmentContentQuery,
    stream: true,
    produces: { mediaType: 'application/octet-stream', description: 'The file (as its `contentType`)' },
    handler: async ({ ctx, params, query, deps, http }) => {
      setContentSafetyHeaders(http);
      const row = await readableAttachment(ctx, params.id);
      const etag = `"${row.sha256}"`;
      http.set('ETag', etag);
      http.set('Cache-Control', 'private, no-cache');
      http.set('Accept-Ranges', 'bytes');
      http.set('Content-Disposition', dispositionOf(row.name, isInlineImage(row.sniffed_type) && !query.download));
      const ifNoneMatch = http.get('if-none-match');
      if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
        http.status = 304;
        return { data: null };
      }
      const ifRange = http.get('if-range');
      const rangeHeader = http.get('range');
      // A range we do not serve (several, or outside the file) is ignored: the whole file comes.
      const range = rangeHeader && (!ifRange || ifRange === etag) ? parseRange(rangeHeader, row.size) : null;
      await deps.attachments.fetchMissing(row.sha256, row.id);
      const stream = deps.attachments.read(row.sha256, range ?? undefined);
      try {
        await once(stream, 'open');
      } catch (err) {
        deps.logger.error({ err, attachmentId: row.id }, 'the file of an attachment is missing from the store');
        throw new AppError('UNAVAILABLE', `the file of attachment ${row.id} is missing from the data folder`);
      }
      // Set as a header, not through Koa's `type`, which would add a charset the file may not have.
      http.set('Content-Type', servedType(row.declared_type, row.sniffed_type));
      if (range) {
        http.status = 206;
        http.set('Content-Range', `bytes ${range.start}-${range.end}/${row.size}`);
      } else {
        http.status = 200;
      }
      http.body = stream;
      http.length = range ? range.end - range.start + 1 : row.size;
      return { data: null };
    },
  }),
];
