import { createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { describeStore } from '../db/store.ts';
import { seedDatabase } from '../db/seed.ts';
import { createServer } from './app.ts';
import { type Scope, scopes as allScopes } from '../common/rules/scopes.ts';
import { bootstrap } from './bootstrap.ts';
import { nowIso, systemClock } from './core/clock.ts';
import { backupArchive, restoreArchive } from './domain/data/backupArchive.ts';
import { AttachmentStore } from './domain/attachments/attachments.store.ts';
import { exportStream } from './domain/data/exportImport.ts';
import { exportArchive, importData as importDataFile } from './domain/data/dataArchive.ts';
import { ConfigError, loadConfig } from './core/config.ts';
import { clearUnfinishedFiles } from './domain/data/backup.ts';
import { listApiKeys, revokeApiKey, insertApiKey } from './domain/apiKeys/apiKeys.service.ts';
import { systemContext } from './domain/context.ts';
import { createLogger } from './core/log.ts';
import { packageRoot } from './core/paths.ts';
import { appVersion } from './core/version.ts';
import { openData, openSqliteData, UsageError } from './cli/shared.ts';
import { importFrom, importFromUsage } from './cli/importFrom.ts';
import { migrateCommand, migrateUsage } from './cliMigrate.ts';
import { joinHost, readReplicaLink } from './cli/join.ts';
import { discover } from './background/discovery.ts';
import { SecretBox } from './core/secrets.ts';
import type { ReplicaLink } from './background/replica.ts';

const usage = `LocalDesk ${appVersion} — a local-first helpdesk and its LAN API

Usage:
  localdesk serve [--data DIR | --database postgres://…] [--host HOST] [--port PORT]
  localdesk serve --join URL --pair CODE [--data DIR]   a replica of a team host (then --data alone)
  localdesk discover [--seconds N]              the LocalDesk hosts shared on this network (DNS-SD)
  localdesk keys create --name NAME --scopes SCOPE,SCOPE [--user USER_ID] [--rate-limit N] [--data DIR | --database URL]
  localdesk keys list [--data DIR | --database URL]
  localdesk keys revoke KEY_ID [--data DIR | --database URL]
  localdesk seed --tickets N [--messages-per-ticket M] [--data DIR]   (demo data)
  localdesk backup --out FILE [--data DIR]      one archive of the database and its files, also while serving
  localdesk restore FILE --data DIR             a backup archive into an empty data folder
  localdesk export [--out FILE] [--format ndjson|tar] [--data DIR]
                                                every record as NDJSON (to stdout without --out), or a
                                                tar of it and the attachment files (default for *.tar)
  localdesk import FILE [--data DIR]            an export (NDJSON or tar) back in: idempotent by id, all or nothing
  ${migrateUsage}
${importFromUsage}
  localdesk --version

Environment: LOCALDESK_DATA, LOCALDESK_DATABASE_URL, LOCALDESK_DATABASE_POOL_SIZE, LOCALDESK_HOST,
LOCALDESK_PORT, LOCALDESK_ALLOWED_HOSTS, LOCALDESK_MAX_ATTACHMENT_MB, LOCALDESK_CORS_ORIGINS,
LOCALDESK_RATE_LIMIT, LOCALDESK_PUBLIC_RATE_LIMIT, LOCALDESK_ADMIN_KEY, LOCALDESK_LOG_LEVEL,
LOCALDESK_MAX_STREAMS, LOCALDESK_MAX_STREAMS_PER_KEY, LOCALDESK_WEBHOOK_ALLOW_PRIVATE.
Flags win over the environment. Default data folder: ~/.localdesk; default bind 127.0.0.1:4870.
Scopes: ${allScopes.join(', ')}.`;


/** A PostgreSQL that cannot be reached or refuses us, said in a line (not a stack trace). */
function databaseUnreachable(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    return `cannot reach the PostgreSQL server (${message}): check LOCALDESK_DATABASE_URL / --database`;
  }
  // SQLSTATE class 28 (invalid authorization), 3D000 (no such database), 42501 (no privilege).
  if (typeof code === 'string' && (code.startsWith('28') || code === '3D000' || code === '42501')) {
    return `PostgreSQL refused: ${message}`;
  }
  return null;
}

const rendererDir = join(packageRoot(), 'dist', 'renderer');

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be 0..65535, got ${value}`);
  return port;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      database: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      join: { type: 'string' },
      pair: { type: 'string' },
    },
    strict: true,
  });
  if ((values.join === undefined) !== (values.pair === undefined)) throw new UsageError('--join URL and --pair CODE go together');
  if (values.join && values.database) throw new UsageError('a replica keeps its copy in SQLite: --join does not take --database');
  const config = loadConfig(process.env, {
    dataDir: values.data,
    databaseUrl: values.database,
    host: values.host,
    port: parsePort(values.port),
    rendererDir,
  });
  const { logger, destination } = createLogger(config.logLevel);
  const handle = await openData(config, (err) => logger.warn({ err }, 'an idle database connection failed; it will be replaced'));
  // Nothing else serves this folder yet: what a killed backup or import left is garbage.
  await clearUnfinishedFiles(config.dataDir);
  const secrets = new SecretBox(config.dataDir);
  let link: ReplicaLink | null;
  try {
    link = values.join && values.pair ? await joinHost(config.dataDir, handle.db, secrets, values.join, values.pair) : readReplicaLink(config.dataDir, secrets);
  } catch (err) {
    await handle.close();
    throw err;
  }
  // A replica's users and keys come from its host: no first admin key of its own.
  const boot = link ? { generatedKey: null, adminKeyAdded: false } : await bootstrap(handle.db, systemClock, config);
  const server = createServer({ db: handle.db, config, logger, replica: link ? { link } : undefined });
  let url: string;
  try {
    ({ url } = await server.listen());
  } catch (err) {
    await handle.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`port ${config.port} on ${config.host} is already in use: pass --port`);
    }
    throw err;
  }

  const lines = [
    `LocalDesk ${appVersion} is running at ${url}`,
    `  web UI:         ${url}/`,
    `  API reference:  ${url}/api/v1/docs`,
    `  data:           ${describeStore(handle)}`,
  ];
  if (link) lines.push(`  replica of:     ${link.host} (device ${link.deviceId}); sign in with your team account`);
  if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.host !== '::1') {
    lines.push(`  LAN mode: listening on ${config.host}; every request needs an API key`);
  }
  if (boot.generatedKey) {
    lines.push(
      '',
      '  First start: an admin API key was created. It is shown ONCE — keep it safe:',
      '',
      `    ${boot.generatedKey}`,
      '',
      `  Try: curl -H "X-API-Key: ${boot.generatedKey}" ${url}/api/v1/tickets`,
    );
  }
  if (boot.adminKeyAdded) lines.push('  LOCALDESK_ADMIN_KEY was added as an admin key.');
  // Best effort: stdout may be a full disk or a closed pipe, which must not stop the server.
  process.stdout.on('error', () => undefined);
  process.stdout.write(`${lines.join('\n')}\n\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server
        .close()
        .then(() => handle.close())
        .then(() => {
          logger.info('stopped');
          return destination.drain();
        })
        .then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

async function keys(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      database: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      user: { type: 'string' },
      'rate-limit': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const config = loadConfig(process.env, { dataDir: values.data, databaseUrl: values.database });
  const handle = await openData(config);
  try {
    if (action === 'create') {
      if (!values.name || !values.scopes) throw new UsageError('keys create needs --name and --scopes');
      const scopes = values.scopes.split(',').map((s) => s.trim());
      const bad = scopes.filter((s) => !(allScopes as readonly string[]).includes(s));
      if (bad.length) throw new UsageError(`unknown scope(s): ${bad.join(', ')}`);
      const rate = values['rate-limit'];
      if (rate !== undefined && !/^[1-9]\d*$/.test(rate)) {
        throw new UsageError('--rate-limit must be a positive whole number');
      }
      await bootstrap(handle.db, systemClock, { adminKey: null });
      const userId =
        values.user ??
        (
          await handle.db
            .selectFrom('users')
            .select('id')
            .where('role', '=', 'admin')
            .where('active', '=', 1)
            .orderBy('created_at')
            .executeTakeFirstOrThrow()
        ).id;
      const { apiKey, key } = await insertApiKey(systemContext(handle.db, systemClock), {
        name: values.name,
        scopes: scopes as Scope[],
        userId,
        rateLimitPerMinute: rate === undefined ? null : Number(rate),
      });
      process.stdout.write(`Created ${apiKey.id} (${apiKey.scopes.join(', ')}). The key, shown once:\n${key}\n`);
      return 0;
    }
    if (action === 'list') {
      const list = await listApiKeys(handle.db);
      for (const k of list) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
        process.stdout.write(`${k.id}  ${k.prefix}…  ${k.name}  [${k.scopes.join(',')}]  ${state}\n`);
      }
      if (list.length === 0) process.stdout.write('no API keys yet (the first `serve` creates one)\n');
      return 0;
    }
    if (action === 'revoke') {
      const id = positionals[0];
      if (!id) throw new UsageError('keys revoke needs the key id (key_...)');
      const revoked = await revokeApiKey(systemContext(handle.db, systemClock), id);
      process.stdout.write(`Revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt}\n`);
      return 0;
    }
    throw new UsageError(`unknown keys action: ${action ?? '(none)'}`);
  } finally {
    await handle.close();
  }
}

async function seed(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      tickets: { type: 'string' },
      'messages-per-ticket': { type: 'string', default: '3' },
    },
    strict: true,
  });
  const tickets = Number(values.tickets);
  const perTicket = Number(values['messages-per-ticket']);
  if (!values.tickets || !Number.isInteger(tickets) || tickets < 1 || tickets > 10_000_000) {
    throw new UsageError('seed needs --tickets N (1..10000000)');
  }
  if (!Number.isInteger(perTicket) || perTicket < 1 || perTicket > 100) {
    throw new UsageError('--messages-per-ticket must be 1..100');
  }
  const config = loadConfig(process.env, { dataDir: values.data });
  const handle = await openSqliteData(config, 'seed');
  try {
    await bootstrap(handle.db, systemClock, config);
    const result = seedDatabase(handle.sqlite, { tickets, messagesPerTicket: perTicket });
    process.stdout.write(
      `Seeded ${result.tickets} tickets, ${result.messages} messages, ${result.contacts} contacts, ` +
        `${result.conversations} conversations into ${handle.file} in ${(result.ms / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

async function backup(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { data: { type: 'string' }, out: { type: 'string' } }, strict: true });
  if (!values.out) throw new UsageError('backup needs --out FILE');
  const handle = await openSqliteData(loadConfig(process.env, { dataDir: values.data }), 'backup');
  try {
    const config = loadConfig(process.env, { dataDir: values.data });
    const result = await backupArchive(handle.file, new AttachmentStore(config.dataDir), resolve(values.out), nowIso(systemClock), appVersion);
    process.stdout.write(
      `Backed up ${handle.file} and ${result.attachments} attachment file(s) to ${result.path} (${result.bytes} bytes)\n`,
    );
    if (result.missingAttachments > 0) {
      process.stderr.write(`localdesk: ${result.missingAttachments} attachment file(s) were missing from the data folder\n`);
    }
    return 0;
  } finally {
    await handle.close();
  }
}

/** `localdesk discover`: the LocalDesk hosts announcing themselves on this LAN (DNS-SD). */
async function discoverHosts(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string' } }, strict: true });
  const seconds = Number(values.seconds ?? 3);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) throw new UsageError('--seconds must be between 0 and 60');
  const hosts = await discover(seconds * 1000);
  if (hosts.length === 0) {
    process.stdout.write('No LocalDesk host answered on this network. A host announces itself when it is shared on the LAN (serve --host 0.0.0.0).\n');
    return 1;
  }
  for (const h of hosts) process.stdout.write(`${h.name}${h.version ? ` (${h.version})` : ''}\n${h.urls.map((u) => `  ${u}`).join('\n')}\n`);
  process.stdout.write('\nJoin one with: localdesk serve --join <url> --pair <code from its Settings → LAN access>\n');
  return 0;
}

async function restore(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { data: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('restore needs one backup FILE');
  if (!values.data) throw new UsageError('restore needs --data DIR (an empty data folder)');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const result = await restoreArchive(resolve(file), resolve(values.data));
  process.stdout.write(
    `Restored ${result.database} (${result.databaseBytes} bytes) and ${result.attachments} attachment file(s)\n`,
  );
  if (result.missingAttachments.length > 0) {
    process.stderr.write(`localdesk: ${result.missingAttachments.length} referenced attachment file(s) were not in the backup\n`);
  }
  // Opening it brings an older backup's schema up to date before anything else touches it.
  const handle = await openData(loadConfig(process.env, { dataDir: values.data }));
  await handle.close();
  return 0;
}

async function exportData(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' } },
    strict: true,
  });
  const format = values.format ?? (values.out?.endsWith('.tar') ? 'tar' : 'ndjson');
  if (format !== 'ndjson' && format !== 'tar') throw new UsageError(`--format must be ndjson or tar, got ${format}`);
  if (format === 'tar' && !values.out) throw new UsageError('export --format tar needs --out FILE');
  const config = loadConfig(process.env, { dataDir: values.data });
  const handle = await openSqliteData(config, 'export');
  try {
    if (format === 'tar' && values.out) {
      const store = new AttachmentStore(config.dataDir);
      const written = await exportArchive(handle.db, store, resolve(values.out), nowIso(systemClock), appVersion);
      process.stdout.write(
        `Exported ${handle.file} and ${written.attachments} attachment file(s) to ${written.path} (${written.bytes} bytes)\n`,
      );
      return 0;
    }
    const stream = await exportStream(handle.db, nowIso(systemClock), appVersion);
    if (!values.out) {
      try {
        await pipeline(stream, process.stdout, { end: false });
      } catch (err) {
        // The reader went away (`localdesk export | head`): not worth a stack trace.
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 1;
        throw err;
      }
      return 0;
    }
    // Written beside the target and renamed: an interrupted export never replaces a good one.
    const out = resolve(values.out);
    const partial = `${out}.part`;
    try {
      await pipeline(stream, createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, out);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    process.stdout.write(`Exported ${handle.file} to ${out} (${statSync(out).size} bytes)\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

async function importData(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { data: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('import needs one export FILE');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const handle = await openSqliteData(loadConfig(process.env, { dataDir: values.data }), 'import');
  try {
    const config = loadConfig(process.env, { dataDir: values.data });
    const { imported, skipped, merged } = await importDataFile(handle.db, new AttachmentStore(config.dataDir), resolve(file), config.dataDir);
    const lines = Object.keys(imported).map((table) => {
      const t = table as keyof typeof imported;
      const note = merged[t] > 0 ? ` (${merged[t]} merged by email/name)` : '';
      return `  ${table.padEnd(20)} ${String(imported[t]).padStart(8)} imported ${String(skipped[t]).padStart(8)} skipped${note}`;
    });
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Imported ${file} into ${handle.file}:\n${lines.join('\n')}\n` +
        `  ${'total'.padEnd(20)} ${String(total(imported)).padStart(8)} imported ${String(total(skipped)).padStart(8)} skipped\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(args);
      case 'keys':
        return await keys(args);
      case 'seed':
        return await seed(args);
      case 'backup':
        return await backup(args);
      case 'restore':
        return await restore(args);
      case 'export':
        return await exportData(args);
      case 'import':
        return await importData(args);
      case 'migrate':
        return await migrateCommand(args, (message) => new UsageError(message));
      case 'import-from':
        return await importFrom(args);
      case 'discover':
        return await discoverHosts(args);
      case '--version':
      case 'version':
        process.stdout.write(`${appVersion}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${usage}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`localdesk: ${err.message}\n`);
      return 2;
    }
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      process.stderr.write(`localdesk: ${(err as Error).message}\n\n${usage}\n`);
      return 2;
    }
    if (err instanceof Error && err.name === 'NewerSchemaError') {
      process.stderr.write(`localdesk: ${err.message}\n`);
      return 1;
    }
    const unreachable = databaseUnreachable(err);
    if (unreachable) {
      process.stderr.write(`localdesk: ${unreachable}\n`);
      return 1;
    }
    if (err instanceof Error && err.name === 'AppError') {
      process.stderr.write(`localdesk: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
