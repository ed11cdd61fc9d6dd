// Sending replies, in two parts like webhooks. The outbox follower reads the event feed after
// its durable cursor ('mail-outbox') and, for an agent's reply a customer should get by mail,
// queues it (mail_outbox) in the transaction that moves the cursor: exactly once, never lost.
// The sender delivers queued replies with nodemailer, one at a time per mailbox, each attempt
// under a timeout; a temporary failure (4xx, network, timeout) is retried with backoff, a
// permanent one (5xx) fails at once, and the thread shows which (message.updated events).
// Replies live in the database, so a restart resumes them. A crash between the SMTP server's
// "250 OK" and our record of it can send a reply twice; it carries the same Message-ID both
// times, which mail clients treat as one message.
import { passesOf } from './passes.ts';
import type { Readable } from 'node:stream';
import type { MailOutboxRow } from '../../db/schema.ts';
import { nowIso } from '../core/clock.ts';
import type { Deps } from '../deps.ts';
import { systemContext } from '../domain/context.ts';
import { attachmentsOfMessages } from '../domain/attachments/attachments.presenter.ts';
import { recordAttempt } from '../domain/mail/delivery.ts';
import { mailboxActor } from '../domain/mail/inbound.ts';
import { credentialsOf, loadMailbox } from '../domain/mail/mailboxes.service.ts';
import { outgoingMail, planReply, queueReply } from '../domain/mail/outbound.ts';
import { describeSmtpError, smtpTransport, withTimeout } from '../domain/mail/transport.ts';
import { startFollower } from './follower.ts';
import { claimDueReplies, releaseClaim } from './mailClaims.ts';
import { dialectName } from '../../db/dialect.ts';
import type { BackgroundTask } from './task.ts';
import { backoffMs } from './webhooks.ts';

const maxErrorLength = 1000;
/** A leased reply's lease outlasts its attempt by this much (mailClaims.ts). */
const leaseMarginMs = 30_000;

export function startMailSender(deps: Deps): BackgroundTask {
  const { db, clock, config, logger } = deps;
  const ctx = systemContext(db, clock);
  const sending = new Map<string, Promise<void>>(); // mailbox id → the send in flight
  const shared = dialectName(db) === 'postgres';

  async function attempt(row: MailOutboxRow): Promise<void> {
    let error: string | null = null;
    let permanent = false;
    try {
      if (!row.mailbox_id) {
        error = 'the mailbox this reply was queued for has been deleted';
        permanent = true;
      } else {
        const mailbox = await loadMailbox(db, row.mailbox_id);
        const creds = credentialsOf(mailbox, deps.secrets);
        const message = await db.selectFrom('messages').select('body').where('id', '=', row.message_id).executeTakeFirst();
        if (!message) return; // deleted with its ticket meanwhile; the outbox row went with it
        const files = (await attachmentsOfMessages(db, [row.message_id])).get(row.message_id) ?? [];
        // Streams from the attachment store (a file, or chunks in PostgreSQL), opened per
        // attempt and closed after it whether or not the SMTP server read them.
        // A stream the SMTP side never got to read must not crash the process with its error
        // (a missing file): nodemailer reports the errors of what it reads.
        const contents = files.map((f) => deps.attachments.read(f.sha256).on('error', () => undefined));
        const outgoing = outgoingMail(
          row,
          message.body,
          files.map((f, i) => ({ filename: f.name, contentType: f.contentType, content: contents[i] as Readable })),
        );
        // A large attachment gets time to go out at 50 kB/s or better on top of the timeout.
        const budget = config.mailSendTimeoutMs + files.reduce((sum, f) => sum + f.size, 0) / 50;
        const transport = smtpTransport(creds, config.mailSendTimeoutMs);
        try {
          await withTimeout(transport.sendMail(outgoing), budget, 'sending', () => transport.close());
        } catch (err) {
          const failure = describeSmtpError(err, creds.smtp.host);
          error = failure.message;
          permanent = failure.permanent;
        } finally {
          transport.close();
          for (const content of contents) content.destroy();
        }
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const attemptNo = row.attempts + 1;
    const giveUp = permanent || attemptNo >= config.mailSendMaxAttempts;
    await recordAttempt(row.mailbox_id ? { ...ctx, actor: mailboxActor(row.mailbox_id) } : ctx, row.message_id, {
      status: error === null ? 'sent' : giveUp ? 'failed' : 'queued',
      error: error?.slice(0, maxErrorLength) ?? null,
      nextAttemptAt: error !== null && !giveUp ? new Date(clock.now().getTime() + backoffMs(attemptNo, config.mailSendBackoffBaseMs)).toISOString() : null,
    });
    if (error !== null) logger.warn({ messageId: row.message_id, attempt: attemptNo, error, giveUp }, 'reply not sent');
    void deps.hub.notify();
  }

  /** Due replies of active mailboxes with nothing in flight, oldest due first. */
  function due(): Promise<MailOutboxRow[]> {
    return shared ? claimed() : dueHere();
  }

  /**
   * Servers sharing a PostgreSQL database each send only what they leased (mailClaims.ts). The
   * lease outlasts the longest attempt: the timeout, the largest message at 50 kB/s, a margin.
   */
  function claimed(): Promise<MailOutboxRow[]> {
    const now = clock.now().getTime();
    const longest = config.mailSendTimeoutMs + (2 * config.maxAttachmentBytes) / 50 + leaseMarginMs;
    return claimDueReplies(db, { now: new Date(now).toISOString(), leaseUntil: new Date(now + longest).toISOString(), limit: 20 });
  }

  /** A single server: what is due, less the mailboxes it is sending from already. */
  async function dueHere(): Promise<MailOutboxRow[]> {
    let query = db
      .selectFrom('mail_outbox as o')
      .leftJoin('mailboxes as b', 'b.id', 'o.mailbox_id')
      .selectAll('o')
      .where('o.status', '=', 'queued')
      .where('o.next_attempt_at', '<=', nowIso(clock))
      // A paused mailbox keeps its replies queued; a deleted one fails them (attempt above).
      .where((eb) => eb.or([eb('b.active', '=', 1), eb('o.mailbox_id', 'is', null)]));
    const busy = [...sending.keys()];
    if (busy.length > 0) query = query.where((eb) => eb.or([eb('o.mailbox_id', 'not in', busy), eb('o.mailbox_id', 'is', null)]));
    return query.orderBy('o.next_attempt_at').orderBy('o.created_at').limit(20).execute();
  }

  /** Starts the due replies, one at a time per mailbox. */
  async function pass(): Promise<void> {
    for (const row of await due()) {
      if (passes.stopping) break;
      const key = row.mailbox_id ?? `none:${row.message_id}`;
      if (sending.has(key)) {
        // That mailbox's next reply goes after the current one. (Leased in the instant
        // between the current one's outcome and its end here: hand the lease back.)
        if (shared) await releaseClaim(db, row.message_id);
        continue;
      }
      const run = attempt(row)
        .catch((err: unknown) => logger.error({ err, messageId: row.message_id }, 'reply delivery errored'))
        .finally(() => {
          sending.delete(key);
          wake();
        });
      sending.set(key, run);
    }
  }
  const passes = passesOf(pass, (err) => logger.error({ err }, 'mail sender could not read due replies'));
  const wake = passes.wake;

  const outbox = startFollower(deps, {
    name: 'mail-outbox',
    async handle(event) {
      const plan = await planReply(db, event);
      return plan ? (trx) => queueReply({ db: trx, clock, actor: mailboxActor(plan.mailbox.id) }, plan) : null;
    },
    committed() {
      void deps.hub.notify();
      wake();
    },
  });
  const timer = setInterval(wake, config.mailSendPollMs);
  timer.unref();
  wake(); // replies queued before a restart

  return {
    async stop() {
      const passesDone = passes.stop();
      clearInterval(timer);
      await outbox.stop();
      await passesDone;
      // Each attempt ends within its timeout; let it record its outcome before the db closes.
      await Promise.allSettled([...sending.values()]);
    },
  };
}
