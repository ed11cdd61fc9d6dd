import { defineConfig } from 'vitest/config';

/**
 * API test files that are about SQLite itself and so run on SQLite only: each opens the SQLite
 * file underneath the server (`s.sqlite`) for something PostgreSQL does differently.
 */
const sqliteOnlyApiTests = [
  // Seeds thousands of rows straight into the SQLite file, backs it up with SQLite's online
  // backup API and opens the copy. (PostgreSQL: backups are the database's own, pg_dump.)
  'test/api/dataSnapshot.test.ts',
  // Compares export and import through the SQLite files of two servers, row by row; the
  // engine-neutral round trip runs on both (test/api/dataEngines.test.ts).
  'test/api/data.test.ts',
  // The FTS5 count cache keyed on SQLite's data_version, and seeding a second file.
  'test/api/searchTotals.test.ts',
  // ticket_order: whether FTS5 rowid order is creation order (no such index order on PostgreSQL).
  'test/api/ticketSearchOrder.test.ts',
  // Seed 200–600 tickets straight into the SQLite file (db/seed.ts writes SQLite only).
  'test/api/ticketCounts.test.ts',
  'test/api/ticketPaging.test.ts',
  // SQLite's query plan for the conversations' assignedTo filter.
  'test/api/conversationAssign.plan.test.ts',
  // SQLite's query plan for the notifier's SLA due-soon check.
  'test/api/slaDueIndex.plan.test.ts',
  // Recovery of unfinished import jobs at start decides by process ids; servers sharing a
  // PostgreSQL database leave them to an admin instead (server/background/imports.ts).
  'test/api/imports.restart.test.ts',
  // The read pool: worker threads with read-only connections to the SQLite file (PostgreSQL
  // keeps its connection pool instead).
  'test/api/readPool.test.ts',
  // Restores a host from a backup archive (backups are SQLite files; PostgreSQL has pg_dump).
  'test/api/syncRestore.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    // Generous: CLI tests start real processes (tsx compiles the sources) on 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/postgres/**'],
        },
      },
      {
        // The same API suite against PostgreSQL (one cluster for the run, a database per test
        // server), plus what only exists there: several nodes on one database, `migrate`.
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/api/**/*.test.ts', 'test/postgres/**/*.test.ts'],
          exclude: sqliteOnlyApiTests,
          env: { LOCALDESK_TEST_DB: 'postgres' },
          globalSetup: ['test/helpers/postgresGlobal.ts'],
        },
      },
    ],
  },
});
