// Team sync, part 1 (issue 17): pairing codes and the devices they pair. An admin makes a
// one-time code on the host; another install exchanges it (POST /sync/pair) for an API key of
// the code's user, and is listed as a device the admin can revoke.
import { z } from 'zod';
import { Timestamp, listQuery, text } from './base.ts';

export const PairingCodeCreate = z.strictObject({
  userId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: "The user the device will act as; defaults to the caller's user" }),
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(10)
    .meta({ description: 'How long the code stays valid, 1..60 minutes (default 10)' }),
});

export const PairingCode = z
  .object({
    code: z.string().meta({
      description:
        'The one-time code, `ABCD-EFGH` (8 characters without 0, O, 1, I or L): shown in this ' +
        'response only, stored as a hash. Accepted back in any case, with or without the dash.',
      example: 'K7MX-QP4D',
    }),
    expiresAt: Timestamp,
    userId: z.string().meta({ description: 'The user the paired device will act as' }),
  })
  .meta({ id: 'PairingCode' });

export const PairRequest = z.strictObject({
  code: z.string().trim().min(1).max(64).meta({ description: 'The pairing code shown on the host' }),
  name: text(100).meta({ description: "The device's name, e.g. \"Ada's laptop\"" }),
});

export const Device = z
  .object({
    id: z.string().meta({ description: 'dev_ id' }),
    name: z.string(),
    userId: z.string().meta({ description: 'The user the device acts as' }),
    createdAt: Timestamp.meta({ description: 'When it was paired' }),
    lastSeenAt: Timestamp.nullable().meta({ description: 'Its last use of the sync feed (to the minute)' }),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Device' });

export const Paired = z
  .object({
    device: Device,
    key: z.string().meta({ description: "The device's API key: shown in this response only, never again" }),
    userId: z.string(),
  })
  .meta({ id: 'Paired' });

export const DeviceListQuery = listQuery(['createdAt'], {
  revoked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'true: only revoked devices; false: only live ones' }),
});

export type PairingCodeCreateInput = z.output<typeof PairingCodeCreate>;
export type PairingCodeT = z.output<typeof PairingCode>;
export type PairRequestInput = z.output<typeof PairRequest>;
export type DeviceT = z.output<typeof Device>;
export type PairedT = z.output<typeof Paired>;
export type DeviceListParams = z.output<typeof DeviceListQuery>;
