import { z } from 'zod';
import { Timestamp } from './base.ts';
import { Priority } from './tickets.ts';

/** Most urgent first: the order the policies are listed in. */
export const policyOrder = ['urgent', 'high', 'medium', 'low'] as const;

/** A year of minutes: generous for any real target, small enough to stay a sane due time. */
const maxMinutes = 525_600;

const Minutes = z
  .number()
  .int()
  .min(1)
  .max(maxMinutes)
  .meta({ description: `Whole minutes, 1..${maxMinutes} (one year)` });

export const SlaPolicy = z
  .object({
    priority: Priority,
    firstResponseMinutes: z.number().int(),
    resolutionMinutes: z.number().int(),
    updatedAt: Timestamp.nullable().meta({
      description: 'When the policy was last changed; null while it still has its default',
    }),
  })
  .meta({ id: 'SlaPolicy' });

// The comparison only runs once both fields are valid integers, so it never reports twice.
export const SlaPolicyPut = z
  .strictObject({
    firstResponseMinutes: Minutes,
    resolutionMinutes: Minutes,
  })
  .refine((body) => body.firstResponseMinutes <= body.resolutionMinutes, {
    path: ['firstResponseMinutes'],
    message: 'must not be greater than resolutionMinutes',
  });

export type SlaPolicyT = z.output<typeof SlaPolicy>;
export type SlaPolicyPutInput = z.output<typeof SlaPolicyPut>;
