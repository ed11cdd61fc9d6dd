// Core tables: users, API keys, contacts, tickets, conversations, messages and their
// full-text indexes. Each list filter/sort of the API has an index whose leading columns are
// the filter and whose trailing columns are the sort, so no list needs a temporary B-tree.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE users (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      prefix TEXT NOT NULL,
      key_hash TEXT NOT NULL UNIQUE,
      scopes TEXT NOT NULL,
      user_id TEXT NOT NULL REFERENCES users (id),
      rate_limit_per_minute INTEGER,
      last_used_at TEXT,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`,
    sql`CREATE INDEX api_keys_user ON api_keys (user_id, created_at)`,
    sql`CREATE TABLE contacts (
      id TEXT PRIMARY KEY,
      name TEXT,
      email TEXT NOT NULL UNIQUE,
      company TEXT,
      last_seen_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX contacts_created ON contacts (created_at)`,
    sql`CREATE INDEX contacts_updated ON contacts (updated_at)`,
    sql`CREATE INDEX contacts_company ON contacts (lower(company), created_at)`,
    sql`CREATE TABLE tickets (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      subject TEXT NOT NULL,
      description TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
      priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
      status_rank INTEGER GENERATED ALWAYS AS (CASE status
        WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'resolved' THEN 3 ELSE 4 END) VIRTUAL,
      priority_rank INTEGER GENERATED ALWAYS AS (CASE priority
        WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END) VIRTUAL,
      contact_id TEXT NOT NULL REFERENCES contacts (id),
      assigned_to TEXT REFERENCES users (id),
      project_id TEXT,
      conversation_id TEXT REFERENCES conversations (id),
      first_response_due_at TEXT NOT NULL,
      resolution_due_at TEXT NOT NULL,
      first_response_at TEXT,
      resolved_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    // Sorts over all tickets.
    sql`CREATE INDEX tickets_created ON tickets (created_at)`,
    sql`CREATE INDEX tickets_updated ON tickets (updated_at)`,
    sql`CREATE INDEX tickets_priority_sort ON tickets (priority_rank, created_at)`,
    sql`CREATE INDEX tickets_status_sort ON tickets (status_rank, created_at)`,
    // Filters, each followed by the default sort; status (the common filter) by every sort.
    sql`CREATE INDEX tickets_status_created ON tickets (status, created_at)`,
    sql`CREATE INDEX tickets_status_updated ON tickets (status, updated_at)`,
    sql`CREATE INDEX tickets_status_priority ON tickets (status, priority_rank, created_at)`,
    sql`CREATE INDEX tickets_priority_created ON tickets (priority, created_at)`,
    sql`CREATE INDEX tickets_assignee_created ON tickets (assigned_to, created_at)`,
    sql`CREATE INDEX tickets_contact_created ON tickets (contact_id, created_at)`,
    sql`CREATE INDEX tickets_contact_status ON tickets (contact_id, status)`,
    sql`CREATE INDEX tickets_conversation ON tickets (conversation_id)`,
    sql`CREATE TABLE conversations (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      channel TEXT NOT NULL CHECK (channel IN ('email', 'chat', 'widget')),
      status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
      subject TEXT NOT NULL,
      participant_email TEXT NOT NULL,
      contact_id TEXT NOT NULL REFERENCES contacts (id),
      ticket_id TEXT REFERENCES tickets (id) ON DELETE SET NULL,
      message_count INTEGER NOT NULL DEFAULT 0,
      last_message_at TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX conversations_created ON conversations (created_at)`,
    sql`CREATE INDEX conversations_last_message ON conversations (last_message_at)`,
    sql`CREATE INDEX conversations_channel_last ON conversations (channel, last_message_at)`,
    sql`CREATE INDEX conversations_channel_created ON conversations (channel, created_at)`,
    sql`CREATE INDEX conversations_status_last ON conversations (status, last_message_at)`,
    sql`CREATE INDEX conversations_status_created ON conversations (status, created_at)`,
    sql`CREATE INDEX conversations_contact ON conversations (contact_id, created_at)`,
    sql`CREATE TABLE messages (
      id TEXT PRIMARY KEY,
      ticket_id TEXT REFERENCES tickets (id) ON DELETE CASCADE,
      conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
      body TEXT NOT NULL,
      sender TEXT NOT NULL CHECK (sender IN ('customer', 'agent', 'system')),
      author_id TEXT,
      internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
      created_at TEXT NOT NULL,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL))
    )`,
    sql`CREATE INDEX messages_ticket ON messages (ticket_id, created_at) WHERE ticket_id IS NOT NULL`,
    sql`CREATE INDEX messages_conversation ON messages (conversation_id, created_at)
      WHERE conversation_id IS NOT NULL`,
    // The search indexes keep their own copy of the text (rowid = owner's seq), so a new
    // message is an in-place append rather than a rebuild from every message of the thread.
    sql`CREATE VIRTUAL TABLE ticket_fts USING fts5(
      subject, description, messages, tokenize = 'unicode61 remove_diacritics 2')`,
    sql`CREATE VIRTUAL TABLE conversation_fts USING fts5(
      subject, messages, tokenize = 'unicode61 remove_diacritics 2')`,
  ];
  for (const statement of statements) await statement.execute(db);
}
