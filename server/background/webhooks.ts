// Webhooks, in two parts. The outbox follower reads the event feed after its durable cursor and
// queues a delivery for each subscribed webhook, committed with the cursor, so every event is
// queued exactly once. The delivery worker sends the queued rows (webhook_deliveries) and
// retries failures with exponential backoff. Deliveries live in the database, so a restart
// resumes them: at least once, never lost. The HTTP call happens outside any transaction, and
// every call has a timeout, so a slow or dead receiver only ever costs its own delivery slot.
import { passesOf } from './passes.ts';
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EventRow } from '../../db/schema.ts';
import { inOneTransaction } from '../../db/transact.ts';
import { nowIso } from '../core/clock.ts';
import type { Deps } from '../deps.ts';
import { presentEvent } from '../domain/events/events.presenter.ts';
import { queueDeliveries, subscribersOf } from '../domain/webhooks/webhooks.outbox.ts';
import { startFollower } from './follower.ts';
import { type DueDelivery, claimDueDeliveries } from './webhookClaims.ts';
import { dialectName } from '../../db/dialect.ts';
import { describeTargetError, postToTarget } from './webhookTargets.ts';
import { displayUrl } from '../domain/webhooks/webhooks.targets.ts';
import type { BackgroundTask } from './task.ts';
import { appVersion } from '../core/version.ts';

/** Attempts in flight at once, across all webhooks. */
const concurrency = 4;
/** ...and per webhook, so one dead receiver cannot hold every slot while it times out. */
const perWebhook = 2;
const maxBackoffMs = 60 * 60 * 1000;
const maxErrorLength = 500;
/** A claimed delivery's lease outlasts its attempt's timeout by this much (webhookClaims.ts). */
const leaseMarginMs = 30_000;

export interface WebhookStats {
  /** Deliveries that ended with a 2xx. */
  succeeded: number;
  /** Deliveries that used up every attempt. */
  failed: number;
  /** Failed attempts that were scheduled to be tried again. */
  retried: number;
}

const statsByDeps = new WeakMap<Deps, WebhookStats>();

/** Outcome counts of the worker started with these deps (zeros when none was started). */
export function webhookStats(deps: Deps): WebhookStats {
  const stats = statsByDeps.get(deps);
  return { succeeded: stats?.succeeded ?? 0, failed: stats?.failed ?? 0, retried: stats?.retried ?? 0 };
}

/** Delay before the attempt after `attempt` failed: base × 2^(attempt−1) × [0.5, 1.5), ≤ 1 h. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(Math.min(maxBackoffMs, baseMs * 2 ** (attempt - 1) * (0.5 + random())));
}

/** The LocalDesk-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

interface Job {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  event: EventRow;
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export function startWebhookWorker(deps: Deps): BackgroundTask {
  const { db, clock, config, logger } = deps;
  const stats: WebhookStats = { succeeded: 0, failed: 0, retried: 0 };
  statsByDeps.set(deps, stats);
  const inFlight = new Map<string, { webhookId: string; run: Promise<void> }>();
  const shared = dialectName(db) === 'postgres';

  const busy = (webhookId: string) =>
    [...inFlight.values()].filter((f) => f.webhookId === webhookId).length;

  /** Due pending deliveries of active webhooks with a free slot, oldest due first. */
  async function dueJobs(limit: number): Promise<Job[]> {
    const rows = shared ? await claimed(limit) : await dueHere(limit);
    if (rows.length === 0) return [];
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('id', 'in', [...new Set(rows.map((r) => r.event_id))])
      .execute();
    const byId = new Map(events.map((e) => [e.id, e]));
    return rows.flatMap((r) => {
      const event = byId.get(r.event_id);
      return event ? [{ id: r.id, webhookId: r.webhook_id, url: r.url, secret: r.secret, event }] : [];
    });
  }

  /** Servers sharing a PostgreSQL database each send only what they claimed (webhookClaims.ts). */
  function claimed(limit: number): Promise<DueDelivery[]> {
    const now = clock.now();
    return claimDueDeliveries(db, {
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + config.webhookTimeoutMs + leaseMarginMs).toISOString(),
      limit,
      perWebhook,
      sending: new Set(inFlight.keys()),
    });
  }

  /** A single server: what is due, less what it is sending already. */
  async function dueHere(limit: number): Promise<DueDelivery[]> {
    let query = db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select(['d.id', 'd.webhook_id', 'd.event_id', 'w.url', 'w.secret'])
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', nowIso(clock))
      .where('w.active', '=', 1);
    if (inFlight.size > 0) {
      const full = [...new Set([...inFlight.values()].map((f) => f.webhookId))].filter(
        (id) => busy(id) >= perWebhook,
      );
      query = query.where('d.id', 'not in', [...inFlight.keys()]);
      if (full.length > 0) query = query.where('d.webhook_id', 'not in', full);
    }
    return query.orderBy('d.next_attempt_at').orderBy('d.seq').limit(limit).execute();
  }

  async function send(job: Job): Promise<AttemptResult> {
    // The signed string and the sent body are the same string, byte for byte.
    const body = JSON.stringify(presentEvent(job.event));
    const t = Math.floor(clock.now().getTime() / 1000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), config.webhookTimeoutMs);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      // A redirect (3xx) is not a success, and is not followed elsewhere.
      statusCode = await postToTarget({
        url: job.url,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `LocalDesk-Webhooks/${appVersion}`,
          'LocalDesk-Event': job.event.type,
          'LocalDesk-Delivery': job.id,
          'LocalDesk-Signature': signatureHeader(job.secret, t, body),
        },
        body,
        allowPrivate: config.webhookAllowPrivateTargets,
        signal: controller.signal,
      });
    } catch (err) {
      error = controller.signal.aborted ? `timed out after ${config.webhookTimeoutMs} ms` : describeTargetError(err);
    } finally {
      clearTimeout(timer);
    }
    return { statusCode, error: error?.slice(0, maxErrorLength) ?? null, durationMs: Math.round(performance.now() - started) };
  }

  /** Records the attempt and moves the delivery on, in one short transaction after the call. */
  async function record(job: Job, result: AttemptResult): Promise<void> {
    const now = nowIso(clock);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const outcome = await inOneTransaction(db, async (trx) => {
      const current = await trx
        .selectFrom('webhook_deliveries')
        .select(['attempts', 'status'])
        .where('id', '=', job.id)
        .executeTakeFirst();
      // Deleted with its webhook while the call was in flight: nothing left to record.
      if (!current || current.status !== 'pending') return null;
      const attempt = current.attempts + 1;
      const status = ok ? 'succeeded' : attempt >= config.webhookMaxAttempts ? 'failed' : 'pending';
      const next =
        status === 'pending'
          ? new Date(Date.parse(now) + backoffMs(attempt, config.webhookBackoffBaseMs)).toISOString()
          : null;
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: job.id,
          attempt,
          status_code: result.statusCode,
          error: result.error,
          duration_ms: result.durationMs,
          created_at: now,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status,
          attempts: attempt,
          next_attempt_at: next,
          last_status_code: result.statusCode,
          last_error: result.error,
          claimed_until: null,
          updated_at: now,
        })
        .where('id', '=', job.id)
        .execute();
      return { status, attempt };
    });
    if (!outcome) return;
    if (outcome.status === 'succeeded') stats.succeeded++;
    else if (outcome.status === 'failed') stats.failed++;
    else stats.retried++;
    if (outcome.status === 'failed') {
      logger.warn(
        { deliveryId: job.id, url: displayUrl(job.url), attempts: outcome.attempt, ...result },
        'webhook delivery failed for good',
      );
    }
  }

  function start(job: Job): void {
    const run = send(job)
      .then((result) => record(job, result))
      .catch((err: unknown) => logger.error({ err, deliveryId: job.id }, 'webhook delivery errored'))
      .finally(() => {
        inFlight.delete(job.id);
        wake();
      });
    inFlight.set(job.id, { webhookId: job.webhookId, run });
  }

  /** Starts due deliveries while slots are free: per webhook at most `perWebhook` at a time. */
  async function pass(): Promise<void> {
    while (!passes.stopping) {
      const free = concurrency - inFlight.size;
      if (free <= 0) break;
      const jobs = await dueJobs(free);
      if (passes.stopping) break;
      let started = 0;
      for (const job of jobs) {
        if (busy(job.webhookId) >= perWebhook) continue; // its turn comes when a slot frees
        start(job);
        started++;
      }
      if (started === 0 || jobs.length < free) break;
    }
  }
  const passes = passesOf(pass, (err) => logger.error({ err }, 'webhook worker could not read due deliveries'));
  const wake = passes.wake;

  const outbox = startFollower(deps, {
    name: 'webhook-outbox',
    async handle(event) {
      const webhookIds = await subscribersOf(db, event);
      return webhookIds.length > 0 ? (trx) => queueDeliveries(trx, clock, event, webhookIds) : null;
    },
    committed: wake,
  });
  const timer = setInterval(wake, config.webhookPollMs);
  timer.unref();
  wake(); // whatever was pending before a restart

  return {
    async stop() {
      const passesDone = passes.stop();
      clearInterval(timer);
      await outbox.stop();
      await passesDone;
      // Each attempt ends within its timeout; let it record its outcome before the db closes.
      await Promise.allSettled([...inFlight.values()].map((f) => f.run));
    },
  };
}
