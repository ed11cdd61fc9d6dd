import { z } from 'zod';
import { queryInt } from './base.ts';
import { Priority, TicketStatus } from './tickets.ts';

export const AnalyticsSummaryQuery = z.strictObject({
  days: queryInt(1, 365)
    .default(7)
    .meta({ description: 'Calendar days (UTC) in the window, today included: 1..365, default 7' }),
});

const Count = z.number().int().min(0);

export const DayRollup = z
  .object({
    day: z.string().meta({ description: 'UTC calendar day, `YYYY-MM-DD`', example: '2026-03-28' }),
    total: Count.meta({ description: 'Tickets created that day' }),
    slaBreached: Count.meta({ description: 'Of those, breached as of now' }),
    slaTotal: Count.meta({ description: 'Of those, with an SLA: every ticket, so equal to total' }),
  })
  .meta({ id: 'AnalyticsDayRollup' });

export const AnalyticsSummary = z
  .object({
    days: z.number().int().min(1).max(365),
    tickets: Count.meta({ description: 'Tickets created in the window' }),
    byStatus: z.record(TicketStatus, Count).meta({
      description: 'Window tickets by their current status; every status present, zeros included',
    }),
    byPriority: z.record(Priority, Count).meta({
      description: 'Window tickets by their current priority; every priority present, zeros included',
    }),
    slaBreached: Count.meta({ description: 'Window tickets whose SLA is breached as of now' }),
    slaTotal: Count.meta({ description: 'Window tickets with an SLA (every ticket has one)' }),
    slaComplianceRatio: z.number().min(0).max(1).meta({
      description: '1 - slaBreached / slaTotal, rounded to three decimals; 1 when slaTotal is 0',
    }),
    medianFirstResponseMinutes: z.number().min(0).nullable().meta({
      description:
        'Median of firstResponseAt - createdAt in minutes over window tickets that have a first ' +
        'response (mean of the two middle values for an even count), rounded to one decimal; ' +
        'null when none has one',
    }),
    rollups: z.array(DayRollup).meta({
      description: 'One per day of the window, newest first, days without tickets included',
    }),
  })
  .meta({ id: 'AnalyticsSummary' });

export type AnalyticsSummaryParams = z.output<typeof AnalyticsSummaryQuery>;
export type AnalyticsSummaryT = z.output<typeof AnalyticsSummary>;
export type DayRollupT = z.output<typeof DayRollup>;
