// A real IMAP server for tests: Debian's Dovecot 2.3 run from a private config in a temp
// folder, plain IMAP on a free loopback port, passwd-file users, Maildir storage.
//
//   const imap = await startDovecot();                  // one user, random password
//   await imap.deliver(imap.users[0].user, rawEml);     // IMAP APPEND, as any client would
//   await imap.down(); await imap.up();                 // an outage: same port, same mail
//   await imap.stop();                                  // kill it and delete the folder
//
// Nothing is shared with a system Dovecot: base_dir (sockets, pid), state_dir, log and mail
// are all inside the temp folder (/dev/shm when usable), and the only network listener is
// IMAP on 127.0.0.1. Starting takes ~0.1 s.
//
// deliver() uses IMAP APPEND through imapflow rather than dovecot-lda/doveadm: it is the
// path every IMAP client uses, so other sessions (IDLE) learn of the message the way they
// would of real mail, it needs no privileges, extra binaries or auth-userdb socket, and it
// stores the bytes unchanged. The cost is that nothing can be delivered while the server is
// down(); deliver before down() or after up().
//
// If the test process dies without stop() (any death, SIGKILL included), a detached reaper
// (processes.ts) stops the Dovecot process group and deletes the folder.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort, liveProcesses, pollUntil, type Reaper, scratchRoot, startReaper, tailOf } from './processes.ts';

const DOVECOT = '/usr/sbin/dovecot';

export interface MailUser {
  user: string;
  password: string;
}

export interface DovecotOptions {
  /** Mailbox users; default one, `support@example.test` with a random password. */
  users?: MailUser[];
  /** How long start/up may take before failing with the log's tail. Default 10 s. */
  startTimeoutMs?: number;
}

export interface DeliveredMessage {
  folder: string;
  /** The UID Dovecot gave the message (APPENDUID). */
  uid: number;
  uidValidity: number;
}

export interface Dovecot {
  host: '127.0.0.1';
  port: number;
  users: MailUser[];
  /** The temp folder holding config, sockets, log and mail. */
  dir: string;
  logPath: string;
  /**
   * Puts a raw RFC 5322 message into `folder` (created if missing) of `user`'s mailbox with
   * IMAP APPEND over a fresh imapflow connection; no flags, so it is unseen. Clients in IDLE on
   * that folder get an EXISTS. Rejects while the server is down or paused.
   */
  deliver(user: string, rawMessage: string | Buffer, folder?: string): Promise<DeliveredMessage>;
  /** Stops the server (clients see their connections close); the mail stays. */
  down(): Promise<void>;
  /** Starts it again on the same port with the same mail; resolves once it greets. */
  up(): Promise<void>;
  /** down() then up(). */
  restart(): Promise<void>;
  /**
   * Freezes every Dovecot process (SIGSTOP): the port still accepts TCP connections but
   * nothing answers, like a hung server. resume() lets it go on.
   */
  pause(): void;
  resume(): void;
  isUp(): boolean;
  /** The master process's pid (also its process group) while up. */
  pid(): number | null;
  /** The tail of Dovecot's log, for assertion messages. */
  logTail(lines?: number): string;
  /** Stops the server and deletes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

interface Accounts {
  loginUser: string;
  internalUser: string;
  /** Group of Dovecot's internal sockets; null keeps its default (`dovecot`). */
  internalGroup: string | null;
  mailUid: number;
  mailGid: number;
}

/** Running as root, Dovecot drops privileges to the Debian package's users and `mail` (uid 8,
 * from base-passwd) for mail files, as its docs ask (the mail user must not be `dovecot`).
 * Not root, every process runs as the current user ("rootless" Dovecot). */
function accounts(): Accounts {
  if (process.getuid?.() === 0) {
    const id = (flag: string, name: string): number => {
      try {
        return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
      } catch {
        throw new Error(`startDovecot: system user "${name}" is missing; install Debian package dovecot-imapd`);
      }
    };
    id('-u', 'dovecot');
    id('-u', 'dovenull');
    return {
      loginUser: 'dovenull',
      internalUser: 'dovecot',
      internalGroup: null,
      mailUid: id('-u', 'mail'),
      mailGid: id('-g', 'mail'),
    };
  }
  const me = userInfo();
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  return { loginUser: me.username, internalUser: me.username, internalGroup: group, mailUid: me.uid, mailGid: me.gid };
}

function checkUser(u: MailUser): void {
  const bad = /[:\s]/;
  if (!u.user || bad.test(u.user) || bad.test(u.password) || !u.password) {
    throw new Error(`startDovecot: user names and passwords must be non-empty, without ':' or spaces: ${u.user}`);
  }
}

function config(dir: string, port: number, acc: Accounts): string {
  // Not root: no chroot for the login and anvil processes (chroot needs root).
  const rootless = acc.internalGroup !== null;
  const firstUid = Math.min(acc.mailUid, 500);
  const firstGid = Math.min(acc.mailGid, 500);
  return `# Written by test/helpers/dovecot.ts for one test run.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
instance_name = localdesk-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${acc.loginUser}
default_internal_user = ${acc.internalUser}
${acc.internalGroup ? `default_internal_group = ${acc.internalGroup}\n` : ''}mail_uid = ${acc.mailUid}
mail_gid = ${acc.mailGid}
first_valid_uid = ${firstUid}
first_valid_gid = ${firstGid}
mail_location = maildir:~/Maildir
# inotify tells IDLE sessions of new mail at once; this is only the fallback poll.
mailbox_idle_check_interval = 1 secs
# Tests log in from one address, some with wrong passwords on purpose: no delay after a
# failed login, and no growing per-IP penalty (anvil's penalty socket off).
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
${rootless ? '  chroot =\n' : ''}}
service imap-login {
${rootless ? '  chroot =\n' : ''}
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/** Resolves when the port gives an IMAP greeting, rejects on refusal, close or 2 s silence. */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buffer = '';
    const done = (error: Error | null, line?: string) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(line ?? '');
    };
    socket.setTimeout(2000, () => done(new Error('no greeting within 2 s')));
    socket.on('error', (error) => done(error));
    socket.on('close', () => done(new Error('closed before greeting')));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      if (line.startsWith('* OK')) done(null, line);
      else done(new Error(`unexpected greeting: ${line}`));
    });
  });
}

function groupAlive(pgid: number): boolean {
  return liveProcesses((p) => p.pgid === pgid).length > 0;
}

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) {
    throw new Error(`startDovecot: ${DOVECOT} not found; install Debian package dovecot-imapd`);
  }
  const users = (options.users ?? [{ user: 'support@example.test', password: randomBytes(9).toString('base64url') }])
    .map((u) => ({ ...u }));
  users.forEach(checkUser);
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const acc = accounts();

  const dir = mkdtempSync(join(scratchRoot(), 'localdesk-dovecot-'));
  // Dovecot's unprivileged processes (auth as `dovecot`, imap as the mail user) must reach
  // the passwd file and the mail folder inside: traversable, but not listable.
  chmodSync(dir, 0o711);
  const reaper: Reaper = startReaper(
    // Runs only if this process dies without stop(): master.pid is the process group. (dash:
    // "kill -SIG -PGID", it rejects "--".)
    `pid=$(cat "$1/run/master.pid" 2>/dev/null)
     if [ -n "$pid" ]; then
       kill -CONT "-$pid" 2>/dev/null; kill -TERM "-$pid" 2>/dev/null
       i=0; while kill -0 "-$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
       kill -KILL "-$pid" 2>/dev/null
     fi
     rm -rf "$1"`,
    [dir],
  );
  const logPath = join(dir, 'dovecot.log');
  const confPath = join(dir, 'dovecot.conf');
  writeFileSync(join(dir, 'passwd'), users.map((u) => `${u.user}:${u.password}::::::\n`).join(''), { mode: 0o644 });
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir, { mode: 0o700 });
  chownSync(mailDir, acc.mailUid, acc.mailGid);

  let port = 0;
  let child: ChildProcess | null = null;
  let output = '';
  let paused = false;
  let stopped = false;

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(DOVECOT, ['-F', '-c', confPath], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Neither the process nor its pipes keep a test process alive; the reaper covers a test
    // file that forgets stop().
    proc.unref();
    (proc.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    const state: { exited: string | null } = { exited: null };
    proc.on('exit', (code, signal) => {
      state.exited = `exited with ${signal ?? `code ${code}`}`;
      if (child === proc) child = null;
    });
    proc.on('error', (error) => (state.exited = `could not start: ${error.message}`));
    const deadline = Date.now() + startTimeoutMs;
    let last = '';
    for (;;) {
      let failure: string | null = null;
      if (state.exited) failure = `Dovecot ${state.exited}`;
      else if (Date.now() > deadline) {
        failure = `Dovecot did not greet on 127.0.0.1:${port} within ${startTimeoutMs} ms (last try: ${last})`;
      }
      if (failure) {
        await kill();
        throw new Error(
          `${failure}\n--- dovecot output ---\n${output.trim() || '(none)'}\n--- ${logPath} ---\n${tailOf(logPath)}`,
        );
      }
      try {
        await greeting(port);
        return;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    if (!proc?.pid) return;
    const pgid = proc.pid;
    proc.ref(); // keep the event loop alive while we wait for the exit below
    const exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
    try {
      process.kill(-pgid, 'SIGCONT');
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    paused = false;
    await exited;
    proc.unref();
    // The master is gone; wait for its helpers (log, anvil, imap...) to leave too, so the port
    // is free and nothing writes into the folder any more.
    await pollUntil(() => !groupAlive(pgid), {
      timeoutMs: 10_000,
      describe: () => `Dovecot processes of group ${pgid} still alive 10 s after SIGTERM`,
    }).catch(() => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    });
    rmSync(join(dir, 'run', 'master.pid'), { force: true });
    if (child === proc) child = null;
  };

  // The first start picks a port; if another process takes it between bind(0) and Dovecot's
  // bind, Dovecot exits with "Address already in use" and we try another.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    writeFileSync(confPath, config(dir, port, acc));
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt < 5 && /Address already in use/.test((error as Error).message)) continue;
      reaper.disarm();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  const handle: Dovecot = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    users,
    dir,
    logPath,
    async deliver(user, rawMessage, folder = 'INBOX') {
      const account = users.find((u) => u.user === user);
      if (!account) throw new Error(`deliver: no mailbox user ${user} (have ${users.map((u) => u.user).join(', ')})`);
      if (!child) throw new Error('deliver: Dovecot is down; up() it first');
      if (paused) throw new Error('deliver: Dovecot is paused; resume() it first');
      const client = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        auth: { user: account.user, pass: account.password },
        logger: false,
        disableAutoIdle: true,
      });
      client.on('error', () => {});
      await client.connect();
      try {
        if (folder !== 'INBOX') await client.mailboxCreate(folder);
        const result = await client.append(folder, rawMessage);
        if (!result || result.uid === undefined || result.uidValidity === undefined) {
          throw new Error(`deliver: APPEND to ${folder} gave no APPENDUID`);
        }
        return { folder, uid: result.uid, uidValidity: Number(result.uidValidity) };
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async down() {
      await kill();
    },
    async up() {
      if (stopped) throw new Error('up: this Dovecot was stopped');
      if (child) return;
      await launch();
    },
    async restart() {
      await handle.down();
      await handle.up();
    },
    pause() {
      if (!child?.pid) throw new Error('pause: Dovecot is down');
      process.kill(-child.pid, 'SIGSTOP');
      paused = true;
    },
    resume() {
      if (!child?.pid) return;
      process.kill(-child.pid, 'SIGCONT');
      paused = false;
    },
    isUp() {
      return child !== null && !paused;
    },
    pid() {
      return child?.pid ?? null;
    },
    logTail(lines = 30) {
      return tailOf(logPath, lines);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      reaper.disarm();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
