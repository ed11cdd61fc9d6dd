// The benchmark's data sets: each size seeded once through the CLI and kept pristine in
// <data>/seed-<tickets>x<messages>; every run works on a fresh copy in <data>/run, so the POST
// scenarios never grow the data set the next run reads. The seed's duration is kept beside it
// (bench-seed.json), so a reused 1M data set still reports how long it took to build.
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
  /** Seconds the seed took, when it was built (this run or, when reused, an earlier one). */
  seededInSeconds: number | null;
  /** Whether this run built it. */
  seededNow: boolean;
  /** Ticket and message rows written per second by the seed. */
  seedRowsPerSecond: number | null;
  /** Seconds to copy the pristine seed into the run folder. */
  copiedInSeconds: number;
}

interface Marker {
  tickets: number;
  messagesPerTicket: number;
  seededInSeconds?: number;
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
  const seedDir = join(dataDir, `seed-${tickets}x${messagesPerTicket}`);
  const seedFile = join(seedDir, dbName);
  const markerFile = join(seedDir, 'bench-seed.json');
  const marker = readMarker(markerFile);
  const found = counts(seedFile);
  let seededInSeconds: number | null = marker?.seededInSeconds ?? null;
  let seededNow = false;
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
    seededNow = true;
    const seeded = counts(seedFile);
    if (seeded?.tickets !== tickets) {
      throw new Error(`the seed left ${seeded?.tickets ?? 'no'} tickets in ${seedFile}, expected ${tickets}`);
    }
    writeFileSync(markerFile, `${JSON.stringify({ tickets, messagesPerTicket, seededInSeconds } satisfies Marker)}\n`);
    log(`seeded in ${seededInSeconds.toFixed(1)} s`);
  }

  const runDir = join(dataDir, 'run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const copyStarted = performance.now();
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(seedFile + suffix)) copyFileSync(seedFile + suffix, join(runDir, dbName + suffix));
  }
  const file = join(runDir, dbName);
  const copiedInSeconds = (performance.now() - copyStarted) / 1000;
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
    seededNow,
    seedRowsPerSecond:
      seededInSeconds === null || seededInSeconds <= 0 ? null : (tickets + final.messages) / seededInSeconds,
    copiedInSeconds,
  };
}
