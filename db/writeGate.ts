// Lets one piece of work own the database's write lock from another connection (an import on
// its own connection) while this connection keeps reading. SQLite waits for a lock held by
// another connection synchronously (busy_timeout), which would stop the whole event loop, reads
// included: so this connection's transactions wait here, asynchronously, until the holder is done.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class WriteGate {
  private active = 0;
  private holder: Promise<void> | null = null;
  private idle: (() => void) | null = null;

  /** Before a transaction starts: waits while the gate is held. */
  async enter(): Promise<void> {
    while (this.holder) await this.holder;
    this.active++;
  }

  /** After it ended (committed or not). */
  leave(): void {
    this.active--;
    if (this.active === 0) this.idle?.();
  }

  /**
   * Runs `work` once the transactions in flight have ended, with new ones waiting until it is
   * done. Reads do not pass through here and go on meanwhile.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    while (this.holder) await this.holder;
    let release = () => {};
    this.holder = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.idle = null;
      return await work();
    } finally {
      this.holder = null;
      release();
    }
  }
}

const gates = new WeakMap<Kysely<Database>, WriteGate>();

/** The gate of a connection (one per Kysely instance, made on first use). */
export function writeGateOf(db: Kysely<Database>): WriteGate {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new WriteGate()));
  return gate;
}
