import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { AppError, badRequest } from '../core/errors.ts';
import { jsonDepth, maxJsonDepth, tooDeepMessage } from '../core/json.ts';

/**
 * Reads a JSON request body. No body at all reads as `{}` (so routes whose fields are all
 * optional accept a bare POST); a body that is not declared as JSON is a 415, one over the
 * limit a 413, JSON nested deeper than maxJsonDepth a 400 naming that limit, and malformed JSON
 * a 400 that says where it broke.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const length = ctx.request.length;
  const chunked = ctx.get('transfer-encoding') !== '';
  if (!chunked && (length === undefined || length === 0)) return {};
  if (!ctx.is('application/json', 'application/*+json')) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `request body must be application/json (got ${ctx.get('content-type') || 'no Content-Type'})`,
    );
  }
  if (length !== undefined && length > limitBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `request body is larger than ${limitBytes} bytes`, {
      limitBytes,
    });
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: limitBytes, length, encoding: 'utf8' });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new AppError('PAYLOAD_TOO_LARGE', `request body is larger than ${limitBytes} bytes`, {
        limitBytes,
      });
    }
    throw badRequest('the request body could not be read', [
      { path: '', message: (err as Error).message },
    ]);
  }
  if (text.trim() === '') return {};
  if (jsonDepth(text) > maxJsonDepth) {
    throw badRequest(`request body: ${tooDeepMessage}`, [{ path: '', message: tooDeepMessage }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = `malformed JSON: ${(err as Error).message}`;
    throw badRequest(message, [{ path: '', message }]);
  }
}
