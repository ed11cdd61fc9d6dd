// vitest globalSetup of the PostgreSQL project (vitest.config.ts): one throwaway cluster for the
// whole run, shared by every test file; each test server makes its own database in it
// (test/helpers/server.ts). The cluster and its folder are removed after the run, or by the
// helper's reaper if the run is killed.
import type { TestProject } from 'vitest/node';
import { type Postgres, startPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's app-role URL (postgres://localdesk:…@127.0.0.1:<port>/localdesk). */
    postgresUrl: string;
  }
}

let cluster: Postgres | null = null;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = null;
}
