// The PostgreSQL connection pool in /metrics: how many connections this server holds, how
// many of them are idle, and how many queries wait for one (a pool too small for the load, or
// a database that stopped answering). Nothing is registered on SQLite, which has no pool.
import { Gauge, type Registry } from 'prom-client';
import { postgresHandleOf } from '../../db/postgres.ts';
import type { Db } from '../../db/schema.ts';

export function registerPoolMetrics(registry: Registry, db: Db): void {
  const postgres = postgresHandleOf(db);
  if (!postgres) return;
  const { pool } = postgres;
  new Gauge({
    name: 'localdesk_db_pool_connections',
    help: 'PostgreSQL connections held by this server, by state (total = idle + in use)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    },
  });
  new Gauge({
    name: 'localdesk_db_pool_waiting',
    help: 'Queries waiting for a PostgreSQL connection from the pool',
    registers: [registry],
    collect() {
      this.set(pool.waitingCount);
    },
  });
  new Gauge({
    name: 'localdesk_db_pool_max',
    help: 'Most PostgreSQL connections this server opens (LOCALDESK_DATABASE_POOL_SIZE)',
    registers: [registry],
    collect() {
      this.set(pool.options.max ?? 10);
    },
  });
}
