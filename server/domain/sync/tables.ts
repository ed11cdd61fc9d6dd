// Which tables travel from a team host to its replicas, how a row is named (its key), and which
// columns are sent. Parents come before children, so a snapshot loads in this order.
// Not replicated, on purpose: sessions, invitations and sign-in throttles (each install's own),
// webhooks and their deliveries (their secrets stay on the host, which alone sends them),
// mailboxes and the mail queues (sealed with the host's secret.key; the host alone fetches and
// sends), imports, idempotency records, rate limits, cursors and the search indexes (rebuilt
// from the rows on the replica).
import { dialectOf } from '../../../db/dialect.ts';
import type { Db } from '../../../db/schema.ts';

export const syncTables = [
  { name: 'users', key: ['id'] },
  { name: 'user_passwords', key: ['user_id'] },
  { name: 'api_keys', key: ['id'] },
  { name: 'contacts', key: ['id'] },
  { name: 'projects', key: ['id'] },
  { name: 'tags', key: ['id'] },
  { name: 'sla_policies', key: ['priority'] },
  { name: 'macros', key: ['id'] },
  { name: 'conversations', key: ['id'] },
  { name: 'tickets', key: ['id'] },
  { name: 'messages', key: ['id'] },
  { name: 'message_mail', key: ['message_id'] },
  { name: 'attachments', key: ['id'] },
  { name: 'message_attachments', key: ['message_id', 'attachment_id'] },
  { name: 'ticket_tags', key: ['ticket_id', 'tag_id'] },
  { name: 'events', key: ['id'] },
  { name: 'workflows', key: ['id'] },
  { name: 'views', key: ['id'] },
  { name: 'notifications', key: ['id'] },
  { name: 'notification_prefs', key: ['user_id'] },
] as const;

export type SyncTableName = (typeof syncTables)[number]['name'];
export type SyncValue = string | number | null;
export type SyncRow = Record<string, SyncValue>;

const byName = new Map<string, (typeof syncTables)[number]>(syncTables.map((t) => [t.name, t]));

export function syncTable(name: string): (typeof syncTables)[number] | undefined {
  return byName.get(name);
}

/**
 * Columns each install keeps for itself, never sent: the feed and list order each numbers for
 * itself, and when a key was last used (on this install: a replica answers its own requests).
 */
const localColumns: Partial<Record<SyncTableName, readonly string[]>> = {
  api_keys: ['last_used_at'],
  tickets: ['seq'],
  conversations: ['seq'],
  events: ['seq'],
};

/** The sent columns of every replicated table, as this database declares them, sorted by name. */
export async function syncColumns(db: Db): Promise<Record<SyncTableName, string[]>> {
  const dialect = dialectOf(db);
  const entries = await Promise.all(
    syncTables.map(async (t) => {
      const local = localColumns[t.name] ?? [];
      const columns = (await dialect.tableColumns(db, t.name))
        .filter((c) => !c.generated && !local.includes(c.name))
        .map((c) => c.name)
        .sort();
      return [t.name, columns] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<SyncTableName, string[]>;
}

/** A row's key values, in the table's key order. */
export function keyOf(table: (typeof syncTables)[number], row: SyncRow): SyncValue[] {
  return table.key.map((k) => row[k] ?? null);
}

/** Integers come back from PostgreSQL's bigint columns as strings: one representation for both. */
export function normalRow(row: Record<string, unknown>, columns: readonly string[]): SyncRow {
  const out: SyncRow = {};
  for (const c of columns) {
    const v = row[c];
    out[c] = v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : (v as string | number);
  }
  return out;
}
