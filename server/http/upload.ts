// The body of an upload, as a stream: either the raw body (named by `?name=`, typed by its
// Content-Type) or the part named `file` of a multipart/form-data body (busboy parses it as it
// arrives). Nothing here buffers the file; the domain streams it into the store.
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, invalidField } from '../core/errors.ts';

export interface UploadSource {
  name: string;
  declaredType: string | null;
  source: Readable;
}

/** Room for a multipart body's boundaries and part headers beyond the file itself. */
const multipartOverhead = 64 * 1024;

const tooLarge = (limitBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `an attachment is limited to ${limitBytes / (1024 * 1024)} MB`, { limitBytes });

export function uploadSource(http: Context, name: string | undefined, limitBytes: number): Promise<UploadSource> {
  const length = http.request.length;
  const encoding = http.get('content-encoding');
  if (encoding && encoding !== 'identity') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not supported`);
  }
  if (http.is('multipart/form-data')) {
    if (length !== undefined && length > limitBytes + multipartOverhead) throw tooLarge(limitBytes);
    return multipartFile(http);
  }
  if (length !== undefined && length > limitBytes) throw tooLarge(limitBytes);
  if (name === undefined || name.trim() === '') {
    throw invalidField('name', 'required for a raw upload: POST /attachments?name=<file name>');
  }
  return Promise.resolve({ name, declaredType: http.get('content-type') || null, source: http.req });
}

/** The first part named `file` that carries a file name; other fields are ignored. */
function multipartFile(http: Context): Promise<UploadSource> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Browsers send a file name's UTF-8 bytes as they are; busboy would read them as latin1.
      parser = busboy({ headers: http.req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(invalidField('body', `unreadable multipart body: ${(err as Error).message}`));
      return;
    }
    let found = false;
    parser.on('file', (field, stream, info) => {
      if (found || field !== 'file') {
        stream.resume(); // not ours: let it drain
        return;
      }
      found = true;
      resolve({ name: info.filename ?? '', declaredType: info.mimeType || null, source: stream });
    });
    parser.once('error', (err: Error) => {
      if (!found) reject(invalidField('body', `unreadable multipart body: ${err.message}`));
    });
    parser.once('close', () => {
      if (!found) reject(invalidField('file', 'the multipart body has no part named "file" with a file name'));
    });
    http.req.pipe(parser);
  });
}
