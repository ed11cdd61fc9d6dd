// Helpers for the import tests: follow a job to its end, read a whole database for comparison.
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { dialectName } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import type { ImportJobT } from '../../common/contract/imports.ts';
import type { ApiClient } from './server.ts';

/** Polls GET /imports/:id until the job has finished; returns it. */
export async function waitForImport(api: ApiClient, id: string, timeoutMs = 60_000): Promise<ImportJobT> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get<ImportJobT>(`/imports/${id}`);
    if (res.status !== 200) throw new Error(`GET /imports/${id}: ${res.status} ${res.text}`);
    const job = res.body.data;
    if (job.status !== 'queued' && job.status !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts an import through the API and waits for it; fails the test on a non-201. */
export async function runImportJob(api: ApiClient, body: Record<string, unknown>, timeoutMs?: number): Promise<ImportJobT> {
  const res = await api.post<ImportJobT>('/imports', body);
  if (res.status !== 201) throw new Error(`POST /imports: ${res.status} ${res.text}`);
  return waitForImport(api, res.body.data.id, timeoutMs);
}

/**
 * Every row of every table, for comparing two databases: rows sorted, local-only columns left
 * out (seq and rowids, which depend on insertion order), and the rows that record the import's
 * own run (its job, the feed followers' positions) left out. Ids of rows an import makes from
 * nothing (tags, events) and the times they were made are replaced by what they mean, so two
 * imports of the same data at different moments compare equal.
 */
export function snapshot(db: BetterSqlite3.Database, options: { skipTables?: string[] } = {}): Record<string, unknown[]> {
  // sync_changes: the order rows were written in (for replicas), not what they hold.
  const skip = new Set(['imports', 'import_files', 'event_cursors', 'sync_changes', 'sqlite_sequence', 'kysely_migration', 'kysely_migration_lock', ...(options.skipTables ?? [])]);
  const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like '%fts_%' order by name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => !skip.has(name));
  const out: Record<string, unknown[]> = {};
  const queries: Record<string, string> = {
    tags: 'select name, color from tags',
    ticket_tags: 'select tt.ticket_id, g.name from ticket_tags tt join tags g on g.id = tt.tag_id',
    events: 'select type, resource_type, resource_id, actor_type, actor_user_id, data, workflow_depth from events',
    tickets: 'select id, subject, description, status, priority, contact_id, assigned_to, project_id, conversation_id, first_response_due_at, resolution_due_at, first_response_at, resolved_at, created_at, updated_at, external_id from tickets',
    conversations: 'select * from conversations',
    ticket_fts: 'select rowid, * from ticket_fts',
    // When a file was downloaded is not what it is.
    attachments: 'select id, name, size, declared_type, sniffed_type, sha256, uploaded_by, linked_at is not null as linked from attachments',
  };
  for (const table of tables) {
    const sql = queries[table] ?? `select * from "${table}"`;
    const rows = (db.prepare(sql).all() as Record<string, unknown>[]).map((r) => (table === 'events' ? sameMeaning(r) : r));
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  // The search index, by ticket id instead of seq.
  out.ticket_fts = (db.prepare('select t.id, f.subject, f.description, f.messages from ticket_fts f join tickets t on t.seq = f.rowid').all() as unknown[])
    .map((r) => JSON.stringify(r))
    .sort();
  out.contact_fts = (db.prepare('select contact_id, name, email, company from contact_fts').all() as unknown[]).map((r) => JSON.stringify(r)).sort();
  return out;
}

/**
 * A tag's event names the tag, not its id or the moment it was first used; an attachment in an
 * event is the file, not the moment it was downloaded.
 */
function sameMeaning(event: Record<string, unknown>): Record<string, unknown> {
  if (typeof event.data === 'string' && event.data.includes('"sha256"')) {
    const data = JSON.parse(event.data, (key, value: unknown) =>
      value !== null && typeof value === 'object' && 'sha256' in value && 'createdAt' in value ? { ...value, createdAt: '(downloaded)' } : value,
    ) as unknown;
    event = { ...event, data: JSON.stringify(data) };
  }
  if (typeof event.type !== 'string' || !event.type.startsWith('tag.')) return event;
  const tag = (JSON.parse(event.data as string) as { tag?: { name: string; color: string | null } }).tag;
  return { ...event, resource_id: tag?.name ?? null, data: JSON.stringify({ name: tag?.name, color: tag?.color }) };
}

/**
 * `snapshot` through Kysely, on either engine (the tables from the engine's catalog); compare
 * two snapshots of one database only (column order and search columns differ by engine).
 */
export async function snapshotDb(db: Kysely<Database>, options: { skipTables?: string[] } = {}): Promise<Record<string, unknown[]>> {
  // rate_limits: on PostgreSQL the requests' own counts live there.
  const skip = new Set(['imports', 'import_files', 'event_cursors', 'sync_changes', 'sqlite_sequence', 'kysely_migration', 'kysely_migration_lock', 'rate_limits', ...(options.skipTables ?? [])]);
  const listed =
    dialectName(db) === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() order by 1`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like '%fts_%' order by name`;
  const tables = (await listed.execute(db)).rows.map((t) => t.name).filter((name) => !skip.has(name));
  const queries: Record<string, string> = {
    tags: 'select name, color from tags',
    ticket_tags: 'select tt.ticket_id, g.name from ticket_tags tt join tags g on g.id = tt.tag_id',
    events: 'select type, resource_type, resource_id, actor_type, actor_user_id, data, workflow_depth from events',
    tickets: 'select id, subject, description, status, priority, contact_id, assigned_to, project_id, conversation_id, first_response_due_at, resolution_due_at, first_response_at, resolved_at, created_at, updated_at, external_id from tickets',
    attachments: 'select id, name, size, declared_type, sniffed_type, sha256, uploaded_by, case when linked_at is null then 0 else 1 end as linked from attachments',
  };
  const all = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(db)).rows;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = (await all(queries[table] ?? `select * from "${table}"`)).map((r) => (table === 'events' ? sameMeaning(r) : r));
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  out.ticket_fts = (await all('select t.id, f.subject, f.description, f.messages from ticket_fts f join tickets t on t.seq = f.rowid')).map((r) => JSON.stringify(r)).sort();
  out.contact_fts = (await all('select contact_id, name, email, company from contact_fts')).map((r) => JSON.stringify(r)).sort();
  return out;
}
