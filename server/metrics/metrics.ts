// Prometheus metrics: one registry per server (tests run several servers in one process), so
// nothing here touches prom-client's global default registry. Requests are counted by
// http/middleware/httpMetrics.ts and the registry is served by routes/system.routes.ts.
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database, WebhookDeliveryRow } from '../../db/schema.ts';
import { ticketStatuses } from '../../common/rules/tickets.ts';
import { registerPoolMetrics } from './pool.ts';

const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const satisfies readonly
  WebhookDeliveryRow['status'][];

export interface RequestLabels {
  method: string;
  /** The route template (`/api/v1/tickets/:id`) or `unmatched`: never the raw path. */
  route: string;
  status: string;
}

export interface Metrics {
  registry: Registry;
  observeRequest(labels: RequestLabels, seconds: number): void;
}

export interface LiveCounts {
  /** Event streams open now. */
  eventStreams(): number;
}

export function createMetrics(db: Kysely<Database>, live: LiveCounts = { eventStreams: () => 0 }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'localdesk_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'localdesk_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status',
    labelNames,
    // A local server answers most requests in a few milliseconds: finer buckets at the low end.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Gauges read the database when scraped, so they are never stale and need no write hooks.
  new Gauge({
    name: 'localdesk_tickets',
    help: 'Tickets by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      // Kept by triggers in every write transaction: four rows, not a scan of every ticket.
      const rows = await db.selectFrom('ticket_counts').select(['status', 'n']).execute();
      const counts = new Map(rows.map((row) => [row.status, row.n]));
      for (const status of ticketStatuses) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'localdesk_webhook_deliveries',
    help: 'Webhook deliveries by outcome (pending: not yet delivered, retries included)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const counts = new Map(rows.map((row) => [row.status, row.n]));
      for (const status of deliveryStatuses) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'localdesk_event_streams',
    help: 'Event streams (GET /api/v1/events/stream) open now',
    registers: [registry],
    collect() {
      this.set(live.eventStreams());
    },
  });
  registerPoolMetrics(registry, db);
  return {
    registry,
    observeRequest(labels, seconds) {
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
