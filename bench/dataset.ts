// The benchmark's data set: seeded once through the CLI and kept pristine in <data>/seed; every
// run works on a fresh copy in <data>/run, so the POST scenarios never grow the data set the
// next run reads.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { cleanEnv, runNode } from './proc.ts';

export interface DataSet {
  /** The working copy's folder: what the servers open. */
  runDir: string;
  file: string;
  tickets: number;
  messagesPerTicket: number;
  /** Every message row (ticket threads and the seeded conversations). */
  messages: number;
  bytes: number;
  /** Seconds the seed took; null when an existing data set was reused. */
  seededInSeconds: number | null;
}

interface Marker {
  tickets: number;
  messagesPerTicket: number;
}

const dbName = 'localdesk.db';

function counts(file: string): { tickets: number; ticketMessages: number; messages: number } | null {
  if (!existsSync(file)) return null;
  try {
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const one = (query: string) => (db.prepare(query).get() as { n: number }).n;
      return {
        tickets: one('select count(*) n from tickets'),
        ticketMessages: one('select count(*) n from messages where ticket_id is not null'),
        messages: one('select count(*) n from messages'),
      };
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

function readMarker(file: string): Marker | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    return null;
  }
}

/** Seeds the data set unless one of the right size is already there, then makes the run copy. */
export async function prepareDataSet(
  dataDir: string,
  tickets: number,
  messagesPerTicket: number,
  log: (line: string) => void,
): Promise<DataSet> {
  const seedDir = join(dataDir, 'seed');
  const seedFile = join(seedDir, dbName);
  const markerFile = join(seedDir, 'bench-seed.json');
  const marker = readMarker(markerFile);
  const found = counts(seedFile);
  let seededInSeconds: number | null = null;
  const fits =
    marker?.tickets === tickets &&
    marker.messagesPerTicket === messagesPerTicket &&
    found?.tickets === tickets &&
    found.ticketMessages === tickets * messagesPerTicket;
  if (fits) {
    log(`reusing the data set in ${seedDir} (${tickets} tickets × ${messagesPerTicket} messages)`);
  } else {
    rmSync(seedDir, { recursive: true, force: true });
    mkdirSync(seedDir, { recursive: true });
    log(`seeding ${tickets} tickets × ${messagesPerTicket} messages into ${seedDir} …`);
    const started = performance.now();
    await runNode(
      'localdesk seed',
      ['bin/localdesk.js', 'seed', '--tickets', String(tickets), '--messages-per-ticket', String(messagesPerTicket), '--data', seedDir],
      cleanEnv({ LOCALDESK_LOG_LEVEL: 'warn' }),
    );
    seededInSeconds = (performance.now() - started) / 1000;
    const seeded = counts(seedFile);
    if (seeded?.tickets !== tickets) {
      throw new Error(`the seed left ${seeded?.tickets ?? 'no'} tickets in ${seedFile}, expected ${tickets}`);
    }
    writeFileSync(markerFile, `${JSON.stringify({ tickets, messagesPerTicket } satisfies Marker)}\n`);
    log(`seeded in ${seededInSeconds.toFixed(1)} s`);
  }

  const runDir = join(dataDir, 'run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(seedFile + suffix)) copyFileSync(seedFile + suffix, join(runDir, dbName + suffix));
  }
  const file = join(runDir, dbName);
  const final = counts(file);
  if (!final) throw new Error(`cannot read the copied data set ${file}`);
  return {
    runDir,
    file,
    tickets,
    messagesPerTicket,
    messages: final.messages,
    bytes: statSync(file).size,
    seededInSeconds,
  };
}
