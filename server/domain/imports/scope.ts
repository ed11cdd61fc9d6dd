// What writing one record needs: the batch's transaction as a context acting for the job, which
// product it came from, the times to use, and the record's tally.
import type { ImportSourceName } from '../../../db/schema.ts';
import type { z } from 'zod';
import type { Ctx } from '../context.ts';
import { Refused, type Tally } from './tally.ts';
import type { ImportKind } from '../../../common/contract/imports.ts';

export interface WriteScope {
  /** The batch's transaction; its actor is the system acting for the job (see importActor). */
  ctx: Ctx;
  source: ImportSourceName;
  /** The job's clock when the batch began: for what happens now (tags first used). */
  now: string;
  /** For records the product gives no time at all (users known only from a reference). */
  fallbackTime: string;
  tally: Tally;
  /** Files downloaded for this batch: attachment id by the product's attachment id (downloads.ts). */
  files: ReadonlyMap<string, string>;
}

/** Parses with an API schema; a value the API would refuse is refused with the schema's words. */
export function accept<S extends z.ZodType>(schema: S, value: unknown, kind: ImportKind, externalId: string | null): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
  throw new Refused(kind, externalId, reason);
}

/** The later of two ISO timestamps. */
export function later(a: string, b: string): string {
  return a > b ? a : b;
}
