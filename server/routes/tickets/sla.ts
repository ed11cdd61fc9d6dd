import { addMinutes } from '../../clock.ts';
import type { Priority } from '../../../db/schema.ts';

export interface SlaPolicy {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** The contract's default targets per priority (editable policies arrive with the team issue). */
export const defaultSlaPolicies: Record<Priority, SlaPolicy> = {
  urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 },
  high: { firstResponseMinutes: 240, resolutionMinutes: 1440 },
  medium: { firstResponseMinutes: 480, resolutionMinutes: 2880 },
  low: { firstResponseMinutes: 1440, resolutionMinutes: 5760 },
};

/** Due times are always counted from the ticket's creation, also after a priority change. */
export function slaDueTimes(priority: Priority, createdAt: string) {
  const policy = defaultSlaPolicies[priority];
  return {
    first_response_due_at: addMinutes(createdAt, policy.firstResponseMinutes),
    resolution_due_at: addMinutes(createdAt, policy.resolutionMinutes),
  };
}
