// The same server the CLI runs, embedded in the desktop app: started on loopback, rebound to a
// LAN interface when sharing is turned on, closed with the database on quit.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/connection.ts';
import type { EventRow } from '../db/schema.ts';
import { type LocalDeskServer, createServer } from '../server/app.ts';
import { makeConfig } from '../server/core/config.ts';
import { AttachmentStore } from '../server/domain/attachments/attachments.store.ts';
import { clearUnfinishedFiles } from '../server/domain/data/backup.ts';
import { ensurePrivateDir } from '../db/files.ts';
import type { ReplicaLink } from '../server/background/replica.ts';
import { joinHost, readReplicaLink } from '../server/cli/join.ts';
import { SecretBox } from '../server/core/secrets.ts';

export interface EmbeddedServerOptions {
  dataDir: string;
  rendererDir: string;
  /** Preferred port; when it is taken another free one is used (and kept for rebinds). */
  port: number;
  logger?: Logger;
}

/** `--join URL --pair CODE` among the app's arguments (making this desktop a replica), or null. */
export function joinArguments(argv: readonly string[]): { url: string; code: string } | null {
  const valueOf = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const url = valueOf('--join');
  const code = valueOf('--pair');
  return url && code ? { url, code } : null;
}

type Listener = (events: readonly EventRow[]) => void;

export class EmbeddedServer {
  private server: LocalDeskServer | null = null;
  private port: number;
  private listeners = new Set<Listener>();
  private unsubscribe: (() => void) | null = null;
  /** Set when this desktop is a replica of a team host (server/background/replica.ts). */
  replica: ReplicaLink | null = null;
  host = '127.0.0.1';
  url = '';

  private constructor(
    readonly handle: DatabaseHandle,
    private readonly options: EmbeddedServerOptions,
  ) {
    this.port = options.port;
  }

  static async open(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
    ensurePrivateDir(options.dataDir);
    const handle = openDatabase(join(options.dataDir, 'localdesk.db'));
    await migrateToLatest(handle.db);
    await clearUnfinishedFiles(options.dataDir);
    const server = new EmbeddedServer(handle, options);
    server.replica = readReplicaLink(options.dataDir, new SecretBox(options.dataDir));
    return server;
  }

  /**
   * Pairs this desktop's (empty) data folder with a team host, as `localdesk serve --join` does:
   * from the next listen on it serves a copy of the host. Throws with the reason otherwise.
   */
  async join(url: string, code: string): Promise<ReplicaLink> {
    this.replica = await joinHost(this.options.dataDir, this.handle.db, new SecretBox(this.options.dataDir), url, code);
    return this.replica;
  }

  /** The running server's attachment store: a backup holds it so its collector pauses. */
  get attachments(): AttachmentStore {
    return this.server?.deps.attachments ?? new AttachmentStore(this.options.dataDir);
  }

  /** The port actually bound (kept across rebinds). */
  get boundPort(): number {
    return this.port;
  }

  /** The app's own origin (what the window may show). */
  get origin(): string {
    return new URL(this.url).origin;
  }

  async listen(host: string): Promise<string> {
    await this.stopServer();
    const start = async (port: number) => {
      const server = createServer({
        db: this.handle.db,
        config: makeConfig({
          dataDir: this.options.dataDir,
          host,
          port,
          rendererDir: this.options.rendererDir,
          logLevel: 'warn',
        }),
        logger: this.options.logger,
        replica: this.replica ? { link: this.replica } : undefined,
      });
      const { url, port: bound } = await server.listen();
      return { server, url, port: bound };
    };
    let started;
    try {
      started = await start(this.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      started = await start(0);
    }
    this.server = started.server;
    this.port = started.port;
    this.host = host;
    this.url = started.url;
    this.unsubscribe = started.server.deps.hub.subscribe((events) => {
      for (const listener of this.listeners) listener(events);
    });
    return this.url;
  }

  /** Listens again on another interface, same port and database. */
  rebind(host: string): Promise<string> {
    return this.listen(host);
  }

  /** Committed events, across rebinds (tray count, notifications). */
  onEvents(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async stopServer(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const server = this.server;
    this.server = null;
    if (server) await server.close();
  }

  async close(): Promise<void> {
    await this.stopServer();
    await this.handle.close();
  }
}
