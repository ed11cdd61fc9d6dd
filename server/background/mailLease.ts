// Which server fetches a mailbox, when several share one PostgreSQL database: the one holding
// the mailbox's session-level advisory lock, on a connection of its own kept open for as long
// as it fetches. Should that server die or lose its connection, PostgreSQL releases the lock
// and another server takes the mailbox over within its standby interval. (Two servers fetching
// at once would still import each mail once, the Message-ID and the position are checked in
// the import's transaction, but would download and parse everything twice.) A single server
// (SQLite) always holds it.
import type { Kysely } from 'kysely';
import { postgresHandleOf } from '../../db/postgres.ts';
import type { Database } from '../../db/schema.ts';

/** The first key of the two-key advisory locks for mailboxes (others: db/dialects/postgres.ts, webhookClaims.ts, mailClaims.ts). */
const mailboxLockSpace = 487004;

export interface MailboxLease {
  /** Settles when the lease is lost (the connection holding it failed); never on SQLite. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

const always: MailboxLease = { lost: new Promise<void>(() => undefined), release: () => Promise.resolve() };

/** The mailbox's lease, or null while another server holds it. */
export async function leaseMailbox(db: Kysely<Database>, mailboxId: string): Promise<MailboxLease | null> {
  const handle = postgresHandleOf(db);
  if (!handle) return always;
  const client = handle.newClient('localdesk-mail-fetcher');
  let markLost = () => {};
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  // A failing connection must not crash the process: it ends the lease.
  client.on('error', () => markLost());
  client.on('end', () => markLost());
  try {
    await client.connect();
    const { rows } = await client.query<{ held: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as held', [
      mailboxLockSpace,
      mailboxId,
    ]);
    if (rows[0]?.held !== true) {
      await client.end();
      return null;
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    lost,
    // Ending the connection releases the lock.
    release: () => client.end().catch(() => undefined),
  };
}
