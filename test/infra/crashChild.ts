// Run by reaper.test.ts as a separate process that starts servers, reports them, and is then
// killed with SIGKILL, so no stop() and no exit hook can run.
import { startDovecot } from '../helpers/dovecot.ts';
import { startPostgres } from '../helpers/postgres.ts';

const [postgres, dovecot] = await Promise.all([startPostgres(), startDovecot()]);
process.stdout.write(
  `${JSON.stringify({ pgDir: postgres.dir, pgPid: postgres.pid(), imapDir: dovecot.dir, imapPid: dovecot.pid() })}\n`,
);
setInterval(() => {}, 60_000);
