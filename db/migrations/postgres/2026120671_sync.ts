// PostgreSQL twin of ../2026120671_sync.ts: the same change log, kept by one trigger function
// that takes the key columns as arguments. Writers take the write lock (db/dialects/postgres.ts)
// before their first statement, so seqs commit in order and a reader never skips a change that
// commits late. The replica tables exist here too, so both engines' schemas stay the same (a
// replica itself is always a desktop's SQLite).
import { type Kysely, sql } from 'kysely';

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

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE sync_changes (
    seq bigserial PRIMARY KEY,
    tbl text collate "C" NOT NULL,
    pk text collate "C" NOT NULL,
    UNIQUE (tbl, pk)
  )`.execute(db);
  await sql`CREATE FUNCTION sync_key(r jsonb, cols text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_agg(r -> c ORDER BY o)::text FROM unnest(cols) WITH ORDINALITY AS k(c, o)
  $$`.execute(db);
  await sql`CREATE FUNCTION sync_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      old_key text;
      new_key text;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        old_key := sync_key(to_jsonb(OLD), TG_ARGV);
        DELETE FROM sync_changes WHERE tbl = TG_TABLE_NAME AND pk = old_key;
        INSERT INTO sync_changes (tbl, pk) VALUES (TG_TABLE_NAME, old_key);
      END IF;
      IF TG_OP <> 'DELETE' THEN
        new_key := sync_key(to_jsonb(NEW), TG_ARGV);
        IF TG_OP = 'UPDATE' AND new_key = old_key THEN
          RETURN NULL;
        END IF;
        DELETE FROM sync_changes WHERE tbl = TG_TABLE_NAME AND pk = new_key;
        INSERT INTO sync_changes (tbl, pk) VALUES (TG_TABLE_NAME, new_key);
      END IF;
      RETURN NULL;
    END
  $$`.execute(db);
  for (const [table, keys] of Object.entries(replicated)) {
    const args = keys.map((k) => `'${k}'`).join(', ');
    await sql
      .raw(`CREATE TRIGGER sync_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION sync_change(${args})`)
      .execute(db);
  }

  // No entries for existing rows: a replica starts from a snapshot of the tables themselves.

  await sql`CREATE TABLE sync_outbox (
    seq bigserial PRIMARY KEY,
    id text collate "C" NOT NULL UNIQUE,
    method text NOT NULL,
    path text NOT NULL,
    body text,
    expect text,
    local_id text collate "C",
    touched text NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'refused')),
    status integer,
    message text,
    user_id text collate "C",
    created_at text collate "C" NOT NULL
  )`.execute(db);
  await sql`CREATE TABLE sync_reconcile (
    tbl text collate "C" NOT NULL,
    pk text collate "C" NOT NULL,
    PRIMARY KEY (tbl, pk)
  )`.execute(db);
  await sql`CREATE TABLE sync_id_map (
    local_id text collate "C" PRIMARY KEY,
    host_id text collate "C" NOT NULL
  )`.execute(db);
  await sql`CREATE TABLE sync_state (
    name text collate "C" PRIMARY KEY,
    value text NOT NULL
  )`.execute(db);
}
