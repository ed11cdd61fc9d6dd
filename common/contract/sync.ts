// GET /sync/status (issue 17): what the UI's sync pill reads. On the host it says how many
// devices are paired; on a replica, whether it reaches the host and what waits to be pushed.
import { z } from 'zod';
import { Timestamp } from './base.ts';

export const RefusedChange = z
  .object({
    id: z.string().meta({ description: 'The outbox entry (dismiss it with DELETE /sync/outbox/:id)' }),
    method: z.string(),
    path: z.string(),
    status: z.number().int().meta({ description: "The host's HTTP status" }),
    message: z.string().meta({ description: "The host's reason" }),
    createdAt: Timestamp,
  })
  .meta({ id: 'RefusedChange' });

export const HostSyncStatus = z
  .object({
    role: z.literal('host'),
    devices: z.number().int().meta({ description: 'Live paired devices' }),
  })
  .meta({ id: 'HostSyncStatus' });

export const ReplicaSyncStatus = z
  .object({
    role: z.literal('replica'),
    state: z.enum(['online', 'offline', 'syncing']),
    pending: z.number().int().meta({ description: 'Local changes not yet accepted by the host' }),
    cursor: z.number().int().meta({ description: "This replica's position in the host's change log" }),
    host: z.string().meta({ description: "The host's URL" }),
    lastSyncedAt: Timestamp.nullable(),
    error: z.string().nullable().meta({ description: 'Why the last attempt to reach the host failed' }),
    refused: z.array(RefusedChange).meta({ description: 'Local changes the host refused, until dismissed' }),
    lastSnapshot: z
      .object({
        at: Timestamp,
        reason: z.string().nullable().meta({ description: 'Why the host was copied afresh; null for the first copy' }),
      })
      .nullable()
      .meta({ description: 'The last full copy of the host: a re-copy is never silent' }),
  })
  .meta({ id: 'ReplicaSyncStatus' });

export const SyncStatus = z.discriminatedUnion('role', [HostSyncStatus, ReplicaSyncStatus]).meta({ id: 'SyncStatus' });

export type SyncStatusT = z.output<typeof SyncStatus>;
export type ReplicaSyncStatusT = z.output<typeof ReplicaSyncStatus>;
export type RefusedChangeT = z.output<typeof RefusedChange>;
