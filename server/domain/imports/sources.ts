// The four sources behind one shape: a job's stored options plus the credentials given for this
// run become a reader. Credentials live only in memory, for the run (never in the database).
import type { ImportSourceName } from '../../../db/schema.ts';
import { csv } from './sources/csv.ts';
import { freshdesk } from './sources/freshdesk.ts';
import { helpscout } from './sources/helpscout.ts';
import { type Estimate, type HttpTuning, type ImportRecord, ImportSourceError, type ProgressEvent, type SourceAttachment } from './sources/types.ts';
import { zendesk } from './sources/zendesk.ts';
import type { JobOptions } from './jobs.ts';

export type Credentials = { token: string } | { apiKey: string } | { appSecret: string };

export interface ReadControl {
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
  http?: HttpTuning;
}

export interface BoundSource {
  read(since: unknown, control: ReadControl): AsyncGenerator<ImportRecord<unknown>, void, undefined>;
  estimate(control: ReadControl): Promise<Estimate>;
  /** An attachment's bytes, fetched with the run's credentials (a CSV has none to fetch). */
  download(attachment: SourceAttachment, control: ReadControl): Promise<{ bytes: Uint8Array; contentType: string }>;
}

function missing(source: ImportSourceName, what: string): ImportSourceError {
  return new ImportSourceError({
    source,
    code: 'auth',
    message: `${what} is not kept after the run that was given it: start the import again with it to continue where it stopped`,
  });
}

/** `file`: the CSV to read (the CLI's own path, or the uploaded file's). */
export function bindSource(source: ImportSourceName, options: JobOptions, credentials: Credentials | null, file?: string): BoundSource {
  switch (source) {
    case 'zendesk': {
      if (!credentials || !('token' in credentials)) throw missing(source, 'the API token');
      const o = { url: options.url ?? '', email: options.email ?? '', token: credentials.token };
      return {
        read: (since, c) => zendesk.read({ ...o, ...c, since: since === null ? null : zendesk.parseCursor(since) }),
        estimate: (c) => zendesk.estimate({ ...o, ...c }),
        download: (a, c) => zendesk.downloadAttachment({ ...o, ...c }, a),
      };
    }
    case 'freshdesk': {
      if (!credentials || !('apiKey' in credentials)) throw missing(source, 'the API key');
      const o = { url: options.url ?? '', apiKey: credentials.apiKey };
      return {
        read: (since, c) => freshdesk.read({ ...o, ...c, since: since === null ? null : freshdesk.parseCursor(since) }),
        estimate: (c) => freshdesk.estimate({ ...o, ...c }),
        download: (a, c) => freshdesk.downloadAttachment({ ...o, ...c }, a),
      };
    }
    case 'helpscout': {
      if (!credentials || !('appSecret' in credentials)) throw missing(source, 'the app secret');
      const o = { url: options.url ?? '', appId: options.appId ?? '', appSecret: credentials.appSecret };
      return {
        read: (since, c) => helpscout.read({ ...o, ...c, since: since === null ? null : helpscout.parseCursor(since) }),
        estimate: (c) => helpscout.estimate({ ...o, ...c }),
        download: (a, c) => helpscout.downloadAttachment({ ...o, ...c }, a),
      };
    }
    case 'csv': {
      if (!file) throw new ImportSourceError({ source, code: 'input', message: 'the CSV file is gone: upload it again' });
      const o = { file, mapping: options.mapping };
      return {
        read: (since, c) => csv.read({ ...o, ...c, since: since === null ? null : csv.parseCursor(since) }),
        estimate: (c) => csv.estimate({ ...o, ...c }),
        download: (a, c) => csv.downloadAttachment({ ...o, ...c }, a),
      };
    }
  }
}
