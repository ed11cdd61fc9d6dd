// The attachment collector: runs at start (the whole store, for what a crash left), every
// `attachmentSweepMs`, and soon after a ticket is deleted (its messages' files go with it).
// What it deletes, and why that never races an upload, is in domain/attachments/.
import type { Deps } from '../deps.ts';
import { collectAttachments } from '../domain/attachments/attachments.collect.ts';
import { systemContext } from '../domain/context.ts';
import type { BackgroundTask } from './task.ts';

/** Events after which files may have lost their last reference. */
const releasing = new Set(['ticket.deleted']);

export function startAttachmentCollector(deps: Deps): BackgroundTask {
  const { config, logger } = deps;
  const ctx = systemContext(deps.db, deps.clock);
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  let queued = false;

  const run = (full: boolean) => {
    if (stopped || (queued && !full)) return;
    queued = true;
    chain = chain.then(async () => {
      queued = false;
      if (stopped) return;
      try {
        const result = await collectAttachments(ctx, deps.attachments, {
          unlinkedTtlMs: config.attachmentUnlinkedTtlMs,
          orphanGraceMs: config.attachmentOrphanGraceMs,
          full,
        });
        if (result.expired + result.removed + result.temps > 0) {
          logger.info(result, 'attachments collected');
          void deps.hub.notify(); // expiries recorded events
        }
      } catch (err) {
        logger.error({ err }, 'attachment collection failed; trying again at the next sweep');
      }
    });
  };

  run(true);
  const timer = setInterval(() => run(false), config.attachmentSweepMs);
  timer.unref();
  const unsubscribe = deps.hub.subscribe((events) => {
    if (events.some((e) => releasing.has(e.type))) run(false);
  });

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await chain;
    },
  };
}
