import { defineRoute } from '../http/route.ts';
import { AnalyticsSummary, AnalyticsSummaryQuery } from '../../common/contract/analytics.ts';
import { analyticsSummary } from '../domain/analytics/analytics.service.ts';

const tag = 'Analytics';

export const analyticsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/analytics/summary',
    tag,
    summary: 'Ticket volume, SLA compliance and first-response time over the last days',
    description: [
      'The window is the last `days` calendar days in UTC, today included: from 00:00Z of ' +
        'today-(days-1) up to now. `days` is an integer 1..365 (default 7); anything else is a 400.',
      '- `tickets`: tickets created in the window (by `createdAt`).',
      '- `byStatus` / `byPriority`: those tickets counted by their current status / priority; ' +
        'every status and priority is present, zeros included.',
      '- `slaTotal`: tickets in the window (every ticket has an SLA). `slaBreached`: those ' +
        "whose SLA is breached as of now — the same rule as a ticket's `sla.breached`, so a " +
        'ticket still waiting can become breached between two calls.',
      '- `slaComplianceRatio`: 1 - slaBreached / slaTotal rounded to three decimals; 1 when ' +
        'slaTotal is 0.',
      '- `medianFirstResponseMinutes`: median of (firstResponseAt - createdAt) in minutes over ' +
        'window tickets that have a first response (the mean of the two middle values for an ' +
        'even count), rounded to one decimal; null when none has one.',
      '- `rollups`: one entry per day of the window, newest first, with the same figures for ' +
        'the tickets created that day (`day` as YYYY-MM-DD); days without tickets are zeros.',
    ].join('\n'),
    scope: 'analytics:read',
    query: AnalyticsSummaryQuery,
    response: AnalyticsSummary,
    handler: async ({ ctx, query }) => ({
      data: await analyticsSummary(ctx, query),
    }),
  }),
];
