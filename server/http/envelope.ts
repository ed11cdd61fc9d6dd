// The one writer of the /api/v1 envelope: `{ data, meta?, error: null }` on success and
// `{ data: null, error: { code, message, details? } }` on failure. Routes, the error middleware
// and the public routes all answer through here.
import type { Context } from 'koa';
import type { ListMeta } from '../../common/contract/base.ts';
import type { AppError } from '../core/errors.ts';

export function sendData(http: Context, status: number, data: unknown, meta?: ListMeta): void {
  http.status = status;
  if (status === 204) return;
  http.body = meta ? { data, meta, error: null } : { data, error: null };
}

/** `data` already serialized (single GETs hash exactly the bytes they send for the ETag). */
export function sendDataJson(http: Context, status: number, dataJson: string): void {
  http.status = status;
  http.type = 'application/json';
  http.body = `{"data":${dataJson},"error":null}`;
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
