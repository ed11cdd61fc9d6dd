// Fetching mail: one IMAP connection per active mailbox (imapflow), following INBOX.
//
// - New mail is noticed by IDLE (restarted every mailIdleRestartMs, since servers and NATs drop
//   quiet connections) and, as a fallback for servers or networks that lose IDLE's news, by a
//   fetch every mailPollMs whatever IDLE says.
// - Every command runs under a timeout (mailTimeoutMs, more for a large message); a hung server
//   is closed and reconnected like a dead one, with backoff from mailReconnectBaseMs doubling
//   to mailReconnectMaxMs.
// - The position is UIDVALIDITY + the last UID imported, per folder, committed in the same
//   transaction as what each message produced (domain/mail/inbound.ts): never the \Seen flag,
//   which people and other clients change. A crash re-reads at most the message in flight, and
//   its Message-ID makes that a no-op. The first fetch of a mailbox (or one after UIDVALIDITY
//   changed) reads mailFirstSyncDays back, not the whole history.
// - A message that cannot be parsed or stored is quarantined with its error and the position
//   moves on: one bad message never blocks the rest.
// Mailbox changes (mailbox.* events) start, restart or stop connections.
import type { ImapFlow } from 'imapflow';
import type { EventRow } from '../../db/schema.ts';
import { transact } from '../../db/transact.ts';
import { daysBefore, nowIso } from '../core/clock.ts';
import { SecretError } from '../core/secrets.ts';
import type { Deps } from '../deps.ts';
import type { Ctx } from '../domain/context.ts';
import { storeMailFiles } from '../domain/mail/files.ts';
import { type MailPosition, advancePosition, alreadyImported, importMail, mailboxActor } from '../domain/mail/inbound.ts';
import { credentialsOf, inboxFolder, loadMailbox } from '../domain/mail/mailboxes.service.ts';
import { parseInbound } from '../domain/mail/parse.ts';
import { quarantineMail } from '../domain/mail/quarantine.ts';
import { MailConnectionError, describeImapError, imapClient, withTimeout } from '../domain/mail/transport.ts';
import { type MailboxLease, leaseMailbox } from './mailLease.ts';
import type { BackgroundTask } from './task.ts';

/** Reconnect delay after `failures` failures in a row: base × 2^(n−1), ±25 %, at most max. */
export function reconnectDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1)) * (0.75 + random() * 0.5));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class MailboxSession {
  private stopped = false;
  private client: ImapFlow | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly done: Promise<void>;
  private readonly log: Deps['logger'];

  constructor(
    private readonly deps: Deps,
    readonly mailboxId: string,
    readonly version: string,
  ) {
    this.log = deps.logger.child({ mailboxId });
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    this.client?.close();
    await this.done;
  }

  /** Something may be new: IDLE said so, or the poll timer. */
  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Resolves after `ms`, on wake(), or when `closed` settles, whichever comes first. */
  private pause(ms: number, closed?: Promise<unknown>): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
      void closed?.then(finish, finish);
    });
  }

  private ctx(): Ctx {
    return { db: this.deps.db, clock: this.deps.clock, actor: mailboxActor(this.mailboxId) };
  }

  /**
   * Fetches while this server holds the mailbox's lease (mailLease.ts: always on SQLite); on
   * standby otherwise, looking again every standby interval.
   */
  private async run(): Promise<void> {
    const standbyMs = Math.min(this.deps.config.mailPollMs, 15_000);
    while (!this.stopped) {
      let lease: MailboxLease | null = null;
      try {
        lease = await leaseMailbox(this.deps.db, this.mailboxId);
      } catch (err) {
        this.log.warn({ err: errorText(err) }, 'could not ask the database who fetches this mailbox');
      }
      if (!lease) {
        await this.pause(standbyMs);
        continue;
      }
      let lost = false;
      void lease.lost.then(() => {
        lost = true;
        this.client?.close();
        this.wake();
      });
      try {
        await this.fetchWhile(() => !lost);
      } finally {
        await lease.release();
      }
      // Given up (this server cannot open the passwords): another server may take it meanwhile.
      if (!this.stopped && !lost) await this.pause(standbyMs);
    }
  }

  private async fetchWhile(leased: () => boolean): Promise<void> {
    const { config } = this.deps;
    let failures = 0;
    while (!this.stopped && leased()) {
      let connected = false;
      try {
        await this.follow(() => {
          connected = true;
          failures = 0;
        });
      } catch (err) {
        if (this.stopped || !leased()) break; // not a fault of the mailbox: nothing to record
        const message = errorText(err);
        await this.recordError(message);
        if (err instanceof SecretError) {
          // This server's secret.key is missing or another one: give the lease up, so a server
          // that can read the passwords fetches (several servers on PostgreSQL).
          this.log.warn({ err: message }, 'mail fetch cannot read the stored passwords');
          return;
        }
        this.log.warn({ err: message }, 'mail fetch failed; reconnecting');
      }
      if (this.stopped || !leased()) break;
      if (!connected) failures++;
      await this.pause(failures === 0 ? config.mailReconnectBaseMs : reconnectDelayMs(failures, config.mailReconnectBaseMs, config.mailReconnectMaxMs));
    }
  }

  /** One connection: log in, open INBOX, fetch what is new, then wait for more until it closes. */
  private async follow(onConnected: () => void): Promise<void> {
    const { config, db, secrets } = this.deps;
    const row = await loadMailbox(db, this.mailboxId);
    const creds = credentialsOf(row, secrets);
    const client = imapClient(creds, config.mailTimeoutMs, { idleRestartMs: config.mailIdleRestartMs });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const close = () => client.close();
    try {
      await withTimeout(client.connect(), config.mailTimeoutMs * 2, 'connecting and logging in', close);
      client.on('exists', () => this.wake());
      // Read-only (EXAMINE): fetching never changes a flag, \Seen included, whatever a server does.
      // The lock is held for a fetch only: imapflow starts IDLE when no lock is held.
      const fetchLocked = async () => {
        const lock = await withTimeout(client.getMailboxLock(inboxFolder, { readOnly: true }), config.mailTimeoutMs, 'opening INBOX', close);
        try {
          await this.fetchNew(client, row.address, row.project_id);
        } finally {
          lock.release();
        }
      };
      await fetchLocked();
      onConnected();
      await this.recordChecked();
      while (!this.stopped && client.usable) {
        await this.pause(config.mailPollMs, closed);
        if (this.stopped || !client.usable) break;
        await fetchLocked();
        await this.recordChecked();
      }
      if (!this.stopped && !client.usable) throw new MailConnectionError('connect', `IMAP server ${creds.imap.host} closed the connection`);
    } catch (err) {
      throw describeImapError(err, creds.imap.host);
    } finally {
      close();
      this.client = null;
    }
  }

  private async position(): Promise<{ uidValidity: number | null; lastUid: number }> {
    const row = await this.deps.db
      .selectFrom('mail_sync')
      .select(['uid_validity', 'last_uid'])
      .where('mailbox_id', '=', this.mailboxId)
      .where('folder', '=', inboxFolder)
      .executeTakeFirst();
    return { uidValidity: row?.uid_validity ?? null, lastUid: row?.last_uid ?? 0 };
  }

  /** Imports every message after the position, oldest first, one transaction each. */
  private async fetchNew(client: ImapFlow, address: string, projectId: string | null): Promise<void> {
    const { config, clock } = this.deps;
    const box = client.mailbox;
    if (!box) throw new Error('INBOX is not open');
    const uidValidity = Number(box.uidValidity);
    const stored = await this.position();
    let uids: number[];
    const fresh = stored.uidValidity !== uidValidity;
    if (fresh) {
      if (stored.uidValidity !== null) this.log.warn({ was: stored.uidValidity, now: uidValidity }, 'UIDVALIDITY changed; reading recent mail again');
      const since = new Date(daysBefore(clock.now(), config.mailFirstSyncDays));
      const found = await withTimeout(client.search({ since }, { uid: true }), config.mailTimeoutMs, 'searching INBOX', () => client.close());
      uids = found || [];
    } else {
      const found = await withTimeout(
        client.search({ uid: `${stored.lastUid + 1}:*` }, { uid: true }),
        config.mailTimeoutMs,
        'searching INBOX',
        () => client.close(),
      );
      // `n:*` always matches the newest message, even below n.
      uids = (found || []).filter((uid) => uid > stored.lastUid);
    }
    uids.sort((a, b) => a - b);
    for (const uid of uids) {
      if (this.stopped || !client.usable) return;
      await this.fetchOne(client, { folder: inboxFolder, uidValidity, uid }, address, projectId);
    }
    if (fresh) {
      // Nothing (more) within the window: start after what the folder holds now.
      const floor = Math.max(uids[uids.length - 1] ?? 0, (box.uidNext ?? 1) - 1);
      await advancePosition(this.deps.db, this.mailboxId, { folder: inboxFolder, uidValidity, uid: floor }, nowIso(clock), false);
    }
  }

  private async fetchOne(client: ImapFlow, position: MailPosition, address: string, projectId: string | null): Promise<void> {
    const { config } = this.deps;
    const close = () => client.close();
    const uid = String(position.uid);
    const meta = await withTimeout(client.fetchOne(uid, { uid: true, size: true, envelope: true }, { uid: true }), config.mailTimeoutMs, 'reading a message’s size', close);
    const envelope = meta ? meta.envelope : undefined;
    const summary = {
      position,
      messageId: envelope?.messageId ?? null,
      from: envelope?.from?.[0]?.address ?? null,
      subject: envelope?.subject ?? null,
    };
    if (!meta) {
      // Deleted on the server since the search: nothing to import, move past it.
      await advancePosition(this.deps.db, this.mailboxId, position, nowIso(this.deps.clock), false);
      return;
    }
    const size = meta.size ?? 0;
    if (size > config.mailMaxMessageBytes) {
      const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
      await quarantineMail(this.ctx(), this.mailboxId, {
        ...summary,
        size,
        raw: null,
        error: `the message is ${mb(size)}, over the limit of ${mb(config.mailMaxMessageBytes)} (LOCALDESK_MAIL_MAX_MESSAGE_MB)`,
      });
      return;
    }
    // A large message gets time to arrive at 50 kB/s or better on top of the command timeout.
    const budget = config.mailTimeoutMs + size / 50;
    const message = await withTimeout(client.fetchOne(uid, { uid: true, source: true }, { uid: true }), budget, 'downloading a message', close);
    const raw = message ? message.source : undefined;
    if (!raw) {
      await advancePosition(this.deps.db, this.mailboxId, position, nowIso(this.deps.clock), false);
      return;
    }
    let parsed;
    try {
      parsed = await parseInbound(raw, { ownAddress: address });
    } catch (err) {
      await quarantineMail(this.ctx(), this.mailboxId, { ...summary, size: raw.length, raw, error: `could not parse the message: ${errorText(err)}` });
      this.deps.hub.notify();
      return;
    }
    try {
      // A person's mail brings its files (and itself, as original.eml); automatic mail and a
      // message seen before bring none.
      const files =
        parsed.automatic || (await alreadyImported(this.deps.db, this.mailboxId, parsed.messageId))
          ? undefined
          : await storeMailFiles(this.ctx(), this.deps.attachments, parsed, raw, config.mailMaxMessageBytes);
      const outcome = await importMail(this.ctx(), { id: this.mailboxId, address, projectId }, parsed, { position, files });
      this.log.debug({ uid: position.uid, ...outcome }, 'mail imported');
    } catch (err) {
      this.log.warn({ uid: position.uid, err: errorText(err) }, 'mail could not be stored; quarantined');
      await quarantineMail(this.ctx(), this.mailboxId, {
        ...summary,
        messageId: parsed.messageId,
        subject: parsed.subject,
        from: parsed.from?.address ?? summary.from,
        size: raw.length,
        raw,
        error: `could not store the message: ${errorText(err)}`,
      });
    }
    void this.deps.hub.notify();
  }

  private async recordChecked(): Promise<void> {
    const now = nowIso(this.deps.clock);
    await transact(this.deps.db, (trx) =>
      trx
        .insertInto('mail_sync')
        .values({ mailbox_id: this.mailboxId, folder: inboxFolder, uid_validity: null, last_uid: 0, checked_at: now, imported_at: null, error: null, error_at: null })
        .onConflict((oc) => oc.columns(['mailbox_id', 'folder']).doUpdateSet({ checked_at: now, error: null, error_at: null }))
        .execute(),
    );
  }

  private async recordError(message: string): Promise<void> {
    const now = nowIso(this.deps.clock);
    await transact(this.deps.db, (trx) =>
      trx
        .insertInto('mail_sync')
        .values({ mailbox_id: this.mailboxId, folder: inboxFolder, uid_validity: null, last_uid: 0, checked_at: null, imported_at: null, error: message, error_at: now })
        .onConflict((oc) => oc.columns(['mailbox_id', 'folder']).doUpdateSet({ error: message, error_at: now }))
        .execute(),
    ).catch((err: unknown) => this.log.error({ err }, 'could not record a mail fetch error'));
  }
}

export function startMailFetcher(deps: Deps): BackgroundTask {
  const sessions = new Map<string, MailboxSession>();
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  /** Runs a session for every active mailbox, restarting those whose settings changed. */
  const reconcile = () => {
    chain = chain.then(async () => {
      if (stopped) return;
      try {
        const rows = await deps.db.selectFrom('mailboxes').select(['id', 'updated_at']).where('active', '=', 1).execute();
        const wanted = new Map(rows.map((r) => [r.id, r.updated_at]));
        for (const [id, session] of sessions) {
          if (wanted.get(id) !== session.version) {
            sessions.delete(id);
            await session.stop();
          }
        }
        for (const [id, version] of wanted) {
          if (!sessions.has(id) && !stopped) sessions.set(id, new MailboxSession(deps, id, version));
        }
      } catch (err) {
        deps.logger.error({ err }, 'mail fetcher could not read the mailboxes');
      }
    });
  };

  const unsubscribe = deps.hub.subscribe((events: readonly EventRow[]) => {
    if (events.some((e) => e.resource_type === 'mailbox' && e.type !== 'mailbox.quarantined')) reconcile();
  });
  reconcile();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      await chain;
      await Promise.all([...sessions.values()].map((s) => s.stop()));
      sessions.clear();
    },
  };
}
