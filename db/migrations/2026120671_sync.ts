// Team sync (issue 17). On every install:
// - sync_changes: the change log a host serves to its replicas. A trigger on each replicated table
//   writes the key of every row inserted, updated or deleted, at a new seq, and drops the key's
//   older entry: the log holds each key once, at its latest change, so it never grows past the
//   number of rows (plus deletions) and a replica that was away reads each changed row once. The
//   triggers run in the writer's transaction, so the log and the rows commit together. (A plain
//   DELETE + INSERT, not INSERT OR REPLACE: an outer INSERT OR IGNORE would turn a trigger's
//   REPLACE into IGNORE and leave the key at its old seq, where a replica would never see it.)
// - sync_outbox, sync_state, sync_id_map: a replica's own bookkeeping (server/domain/sync/replica*).
// The list of tables is frozen here as it stood when this migration shipped; a later table that
// should travel gets its triggers in its own migration.
import { type Kysely, sql } from 'kysely';

/** Each replicated table with the columns that identify a row (its `id` unless said). */
const replicated: Record<string, string[]> = {
  users: ['id'],
  user_passwords: ['user_id'],
  api_keys: ['id'],
  contacts: ['id'],
  projects: ['id'],
  tags: ['id'],
  sla_policies: ['priority'],
  macros: ['id'],
  conversations: ['id'],
  tickets: ['id'],
  messages: ['id'],
  message_mail: ['message_id'],
  attachments: ['id'],
  message_attachments: ['message_id', 'attachment_id'],
  ticket_tags: ['ticket_id', 'tag_id'],
  events: ['id'],
  workflows: ['id'],
  views: ['id'],
  notifications: ['id'],
  notification_prefs: ['user_id'],
};

function record(table: string, row: 'NEW' | 'OLD', keys: string[]) {
  const key = `json_array(${keys.map((k) => `${row}.${k}`).join(', ')})`;
  return `DELETE FROM sync_changes WHERE tbl = '${table}' AND pk = ${key};
    INSERT INTO sync_changes (tbl, pk) VALUES ('${table}', ${key});`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE sync_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    UNIQUE (tbl, pk)
  )`.execute(db);
  for (const [table, keys] of Object.entries(replicated)) {
    const changed = keys.map((k) => `OLD.${k} IS NOT NEW.${k}`).join(' OR ');
    await sql.raw(`CREATE TRIGGER sync_${table}_insert AFTER INSERT ON ${table} BEGIN ${record(table, 'NEW', keys)} END`).execute(db);
    await sql.raw(`CREATE TRIGGER sync_${table}_update AFTER UPDATE ON ${table} BEGIN ${record(table, 'NEW', keys)} END`).execute(db);
    await sql
      .raw(`CREATE TRIGGER sync_${table}_rekey AFTER UPDATE ON ${table} WHEN ${changed} BEGIN ${record(table, 'OLD', keys)} END`)
      .execute(db);
    await sql.raw(`CREATE TRIGGER sync_${table}_delete AFTER DELETE ON ${table} BEGIN ${record(table, 'OLD', keys)} END`).execute(db);
  }
  // No entries for the rows already here: a replica starts from a snapshot, which reads the
  // tables themselves, and needs the log only for what changes after it.

  // A replica's writes waiting for the host, in the order they were made. `id` is the
  // Idempotency-Key the push sends, so a push repeated after a crash is applied once.
  await sql`CREATE TABLE sync_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    expect TEXT,
    local_id TEXT,
    touched TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'refused')),
    status INTEGER,
    message TEXT,
    user_id TEXT,
    created_at TEXT NOT NULL
  )`.execute(db);
  // Rows a pushed write touched: re-read from the host with the next pull.
  await sql`CREATE TABLE sync_reconcile (
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    PRIMARY KEY (tbl, pk)
  ) WITHOUT ROWID`.execute(db);
  // A row created on the replica, and the id the host gave it when the write arrived.
  await sql`CREATE TABLE sync_id_map (
    local_id TEXT PRIMARY KEY,
    host_id TEXT NOT NULL
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE sync_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID`.execute(db);
}
