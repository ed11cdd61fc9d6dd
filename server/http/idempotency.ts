// Idempotency-Key on POST: the same key from the same credential (API key or session) within 24 h returns the first
// response without acting again; the same key with another request is a 409.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type Clock, nowIso } from '../core/clock.ts';
import { AppError, invalidField } from '../core/errors.ts';

export const idempotencyWindowMs = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

export function checkIdempotencyKey(key: string): string {
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalidField('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
  }
  return key;
}

/**
 * Looks up an earlier response for (credential, Idempotency-Key). Returns it to replay, or null
 * when the request should run. Runs inside the request's transaction, so the record written by
 * `remember` commits with the action or not at all.
 */
export async function recall(
  trx: Kysely<Database>,
  clock: Clock,
  credentialId: string,
  key: string,
  hash: string,
): Promise<StoredResponse | null> {
  const cutoff = new Date(clock.now().getTime() - idempotencyWindowMs).toISOString();
  await trx.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute();
  const row = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw new AppError('CONFLICT', 'this Idempotency-Key was already used with a different request', {
      idempotencyKey: key,
    });
  }
  return { status: row.status ?? 200, body: row.response === null ? null : (JSON.parse(row.response) as unknown) };
}

export async function remember(
  trx: Kysely<Database>,
  clock: Clock,
  credentialId: string,
  key: string,
  hash: string,
  response: StoredResponse,
): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({
      credential_id: credentialId,
      key,
      request_hash: hash,
      status: response.status,
      response: JSON.stringify(response.body),
      created_at: nowIso(clock),
    })
    .execute();
}
