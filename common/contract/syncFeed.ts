// What a replica reads from its team host (issue 17): the change log and checksums. A row
// travels as the host stores it (column → value), not as the API presents it, so
// a replica's own API presents it exactly as the host's would.
import { z } from 'zod';

const Value = z.union([z.string(), z.number(), z.null()]);

export const SyncKeyRef = z.strictObject({
  table: z.string().min(1).max(64),
  key: z.array(Value).min(1).max(4),
});

export const SyncPullRequest = z.strictObject({
  after: z.number().int().min(0).meta({ description: 'The cursor of the last page applied (0 after a snapshot at 0)' }),
  limit: z.number().int().min(1).max(2000).default(1000),
  keys: z
    .array(SyncKeyRef)
    .max(500)
    .default([])
    .meta({ description: "Rows to send as they are now whatever the cursor: those the replica's pushed writes touched" }),
});

export const SyncChange = z.object({
  table: z.string(),
  key: z.array(Value),
  row: z.record(z.string(), Value).nullable().meta({ description: 'null: the row was deleted' }),
});

export const SyncChangesPage = z
  .object({
    cursor: z.number().int(),
    more: z.boolean(),
    changes: z.array(SyncChange),
  })
  .meta({ id: 'SyncChangesPage' });

export const SyncChecksums = z
  .object({
    cursor: z.number().int(),
    tables: z.record(z.string(), z.object({ rows: z.number().int(), sum: z.string() })),
  })
  .meta({ id: 'SyncChecksums' });

export type SyncPullInput = z.output<typeof SyncPullRequest>;
