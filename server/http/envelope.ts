// The one writer of the /api/v1 envelope: `{ data, meta?, error: null }` on success and
// `{ data: null, error: { code, message, details? } }` on failure. Routes, the error middleware
// and the public routes all answer through here.
import type { Context } from 'koa';
import type { ListMeta } from '../../common/contract/base.ts';
import type { AppError } from '../core/errors.ts';

/**
 * Serialized here rather than by Koa after the middleware has returned: a value that cannot be
 * serialized then fails inside the pipeline, so it is answered (and logged) as the JSON 500 it
 * is instead of a plain-text 500 logged as a 200.
 */
export function sendData(http: Context, status: number, data: unknown, meta?: ListMeta): void {
  if (status === 204) {
    http.status = status;
    return;
  }
  const json = JSON.stringify(meta ? { data, meta, error: null } : { data, error: null });
  http.status = status;
  http.type = 'application/json';
  http.body = json;
}

/**
 * `data` already serialized (single GETs hash exactly the bytes they send for the ETag; the read
 * pool serializes on its worker). The same bytes as sendData: data, meta, error in that order.
 */
export function sendDataJson(http: Context, status: number, dataJson: string, meta?: ListMeta): void {
  http.status = status;
  http.type = 'application/json';
  http.body = meta ? `{"data":${dataJson},"meta":${JSON.stringify(meta)},"error":null}` : `{"data":${dataJson},"error":null}`;
}

export function sendError(http: Context, error: AppError): void {
  http.status = error.status;
  http.body = {
    data: null,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    },
  };
}
