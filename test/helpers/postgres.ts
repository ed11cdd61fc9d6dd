// A throwaway PostgreSQL cluster for tests: Debian's server binaries, a data directory in a
// temp folder, TCP on a free 127.0.0.1 port with password (SCRAM) auth, the unix socket
// inside the temp folder. Each call makes its own cluster, so a test may stop or break it
// (down()/up()) without touching other test files.
//
//   const pg = await startPostgres();          // beforeAll: ~0.25 s once the template exists
//   const url = await pg.createDatabase('t1'); // per test: an empty database, ~40 ms
//   await pg.stop();                           // afterAll: server gone, folder deleted
//
// initdb runs once per machine (per PostgreSQL major, server user and the settings below)
// into a template folder, `localdesk-pg-template-<hash>` in /dev/shm (else the OS temp dir),
// which stays for later runs (~38 MB). Each cluster is a copy of it (`cp -a`, ~0.1 s in RAM
// instead of initdb's ~1 s, more on busy cores). As root, the servers run as the `postgres`
// system user (initdb refuses root); otherwise as the current user.
//
// Cleanup when a test process dies without stop(): a detached reaper (processes.ts) sees the
// process's pipe close, on any death including SIGKILL, then shuts the cluster down
// (SIGQUIT, immediate) and deletes its folder. Only killing the reaper itself (it runs in its
// own session, so a terminal's Ctrl+C does not reach it) would leave a cluster behind; its
// folder name starts with localdesk-pg-, and `postgres -D <folder>/data` shows in ps.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, pollUntil, processAlive, type Reaper, scratchRoot, startReaper, tailOf } from './processes.ts';

const APP_ROLE = 'localdesk';
const APP_DB = 'localdesk';
const SUPERUSER = 'postgres';

/** Written into every cluster's postgresql.conf: durability off, this is test data. */
const SETTINGS = `
# test/helpers/postgres.ts: a throwaway test cluster
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
min_wal_size = 2MB
max_wal_senders = 0
shared_buffers = 32MB
max_connections = 100
jit = off
timezone = 'UTC'
log_timezone = 'UTC'
password_encryption = 'scram-sha-256'
logging_collector = off
`;
/** Bump to invalidate templates made by an older version of this file. */
const TEMPLATE_VERSION = 2;

export interface PostgresOptions {
  /** How long the server may take to accept connections. Default 15 s. */
  startTimeoutMs?: number;
}

export interface Postgres {
  /** postgres://localdesk:<password>@127.0.0.1:<port>/localdesk — a non-superuser with CREATEDB. */
  url: string;
  /** The superuser `postgres` over TCP with its own password, for tests that need it. */
  adminUrl: string;
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  database: string;
  /** The temp folder: data/, postgres.log and the unix socket. */
  dir: string;
  logPath: string;
  /** Creates an empty database owned by the app role and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** The postmaster's pid while up. */
  pid(): number | null;
  /** Stops the server (fast shutdown: sessions are cut off); the data stays. */
  down(): Promise<void>;
  /** Starts it again on the same port. */
  up(): Promise<void>;
  logTail(lines?: number): string;
  /** Stops the server and deletes the folder. Idempotent. */
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error(`startPostgres: no ${root}/*/bin/initdb; install Debian package postgresql`);
  return join(root, versions[0], 'bin');
}

interface RunAs {
  /** Prefix for commands that must run as the server's user. */
  prefix: string[];
  uid: number;
  gid: number;
  name: string;
}

function serverUser(): RunAs {
  if (process.getuid?.() !== 0) {
    return { prefix: [], uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, name: 'current user' };
  }
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('startPostgres: running as root needs the `postgres` system user (Debian package postgresql)');
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid: Number(uid), gid: Number(gid), name: 'postgres' };
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(command: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function mustRun(command: string[], cwd: string, what: string): Promise<void> {
  const result = await run(command, cwd);
  if (result.code !== 0) throw new Error(`startPostgres: ${what} failed (exit ${result.code}):\n${result.output.trim()}`);
}

function pgCtl(bin: string, as: RunAs, data: string, logPath: string, action: 'start' | 'stop', timeoutS: number): string[] {
  const base = [...as.prefix, join(bin, 'pg_ctl'), '-D', data, '-w', '-t', String(timeoutS), '-s'];
  return action === 'start' ? [...base, '-l', logPath, 'start'] : [...base, '-m', 'fast', 'stop'];
}

/** A superuser session over the unix socket in `socketDir` (trust auth, no password). */
async function socketQuery(socketDir: string, port: number, database: string, sql: string[]): Promise<void> {
  const client = new pg.Client({ host: socketDir, port, user: SUPERUSER, database });
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
  } finally {
    await client.end();
  }
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The initdb'd data directory that clusters copy, made once. Two workers that both find it
 * missing both build one; the first rename wins and the other is thrown away.
 */
async function template(bin: string, as: RunAs, timeoutS: number): Promise<string> {
  const key = createHash('sha256')
    .update(`${TEMPLATE_VERSION}\n${bin}\n${as.uid}\n${SETTINGS}`)
    .digest('hex')
    .slice(0, 12);
  const final = join(scratchRoot(), `localdesk-pg-template-${key}`);
  if (existsSync(join(final, 'data', 'PG_VERSION'))) return join(final, 'data');

  const build = mkdtempSync(join(scratchRoot(), 'localdesk-pg-template-build-'));
  try {
    chownSync(build, as.uid, as.gid);
    const data = join(build, 'data');
    await mustRun(
      [
        ...as.prefix,
        join(bin, 'initdb'),
        '-D', data,
        '-U', SUPERUSER,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E', 'UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
        // 1 MB WAL segments instead of 16: a smaller template to copy for every cluster.
        '--wal-segsize=1',
        '--no-instructions',
      ],
      build,
      'initdb',
    );
    appendFileSync(join(data, 'postgresql.conf'), SETTINGS);
    // Start it once with only a socket to create the app role and database every cluster gets.
    const port = 5432;
    const logPath = join(build, 'postgres.log');
    const start = pgCtl(bin, as, data, logPath, 'start', timeoutS);
    start.splice(start.length - 1, 0, '-o', `-c listen_addresses='' -k ${build} -p ${port}`);
    await mustRun(start, build, `pg_ctl start (template):\n${tailOf(logPath)}`);
    try {
      await socketQuery(build, port, 'postgres', [
        `CREATE ROLE ${APP_ROLE} LOGIN CREATEDB`,
        `CREATE DATABASE ${APP_DB} OWNER ${APP_ROLE}`,
      ]);
    } finally {
      await mustRun(pgCtl(bin, as, data, logPath, 'stop', timeoutS), build, 'pg_ctl stop (template)');
    }
    try {
      renameSync(build, final);
    } catch (error) {
      // Another worker finished first: use theirs.
      if (!existsSync(join(final, 'data', 'PG_VERSION'))) throw error;
      rmSync(build, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    throw error;
  }
  return join(final, 'data');
}

export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const timeoutS = Math.ceil(startTimeoutMs / 1000);
  const bin = binDir();
  const as = serverUser();
  const templateData = await template(bin, as, timeoutS);

  const dir = mkdtempSync(join(scratchRoot(), 'localdesk-pg-'));
  const data = join(dir, 'data');
  const logPath = join(dir, 'postgres.log');
  // If this process dies without stop() (crash, SIGKILL), the reaper shuts the cluster down
  // (immediate mode) and deletes the folder.
  const reaper: Reaper = startReaper(
    `pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
     if [ -n "$pid" ]; then
       kill -QUIT "$pid" 2>/dev/null
       i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
       kill -KILL "$pid" 2>/dev/null
     fi
     rm -rf "$1"`,
    [dir],
  );
  const password = randomBytes(12).toString('hex');
  const adminPassword = randomBytes(12).toString('hex');
  let port = 0;
  let postmaster: number | null = null;
  let stopped = false;

  const readPid = (): number | null => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  };

  const start = async (): Promise<void> => {
    const result = await run(pgCtl(bin, as, data, logPath, 'start', timeoutS), dir);
    if (result.code !== 0) {
      throw new Error(
        `startPostgres: pg_ctl start on 127.0.0.1:${port} failed (exit ${result.code}): ${result.output.trim()}\n` +
          `--- ${logPath} ---\n${tailOf(logPath)}`,
      );
    }
    postmaster = readPid();
  };

  const shutdown = async (): Promise<void> => {
    const pid = postmaster ?? readPid();
    if (pid === null) return;
    const result = await run(pgCtl(bin, as, data, logPath, 'stop', timeoutS), dir);
    if (result.code !== 0 && processAlive(pid)) process.kill(pid, 'SIGQUIT');
    await pollUntil(() => !processAlive(pid), {
      timeoutMs: 10_000,
      describe: () => `postgres ${pid} still running 10 s after stop`,
    }).catch(() => process.kill(pid, 'SIGKILL'));
    postmaster = null;
  };

  const url = (user: string, pass: string, database: string) =>
    `postgres://${user}:${pass}@127.0.0.1:${port}/${database}`;

  try {
    chownSync(dir, as.uid, as.gid);
    await mustRun(['cp', '-a', templateData, data], dir, 'copying the template cluster');
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      // Later lines win: a retry's port overrides the previous attempt's.
      appendFileSync(join(data, 'postgresql.conf'), `port = ${port}\nunix_socket_directories = '${dir}'\n`);
      try {
        await start();
        break;
      } catch (error) {
        if (attempt < 5 && /could not bind|already in use/i.test((error as Error).message)) continue;
        throw error;
      }
    }
    await socketQuery(dir, port, 'postgres', [
      `ALTER ROLE ${APP_ROLE} PASSWORD ${quoteLiteral(password)}`,
      `ALTER ROLE ${SUPERUSER} PASSWORD ${quoteLiteral(adminPassword)}`,
    ]);
    // Ready means: the app role logs in over TCP with its password.
    const probe = new pg.Client({ connectionString: url(APP_ROLE, password, APP_DB) });
    await probe.connect();
    await probe.query('SELECT 1');
    await probe.end();
  } catch (error) {
    await shutdown().catch(() => {});
    reaper.disarm();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const handle: Postgres = {
    get url() {
      return url(APP_ROLE, password, APP_DB);
    },
    get adminUrl() {
      return url(SUPERUSER, adminPassword, 'postgres');
    },
    host: '127.0.0.1',
    get port() {
      return port;
    },
    user: APP_ROLE,
    password,
    database: APP_DB,
    dir,
    logPath,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
        throw new Error(`createDatabase: use a plain lower-case identifier, not ${JSON.stringify(name)}`);
      }
      if (postmaster === null) throw new Error('createDatabase: PostgreSQL is down');
      await socketQuery(dir, port, 'postgres', [`CREATE DATABASE ${name} OWNER ${APP_ROLE}`]);
      return url(APP_ROLE, password, name);
    },
    pid: () => postmaster,
    async down() {
      await shutdown();
    },
    async up() {
      if (stopped) throw new Error('up: this cluster was stopped');
      if (postmaster !== null) return;
      await start();
    },
    logTail(lines = 30) {
      return tailOf(logPath, lines);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown();
      reaper.disarm();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
