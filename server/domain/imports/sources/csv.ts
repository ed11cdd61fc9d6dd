// Tickets from a CSV export of any other tool, through a column mapping. The parser is
// hand-written (RFC 4180: quoted fields with doubled quotes, delimiters and line breaks inside
// quotes, CRLF/LF/CR line ends, a UTF-8 BOM; delimiter ',' ';' tab or '|' detected from the header)
// rather than csv-parse: it is ~150 lines, works on bytes so the cursor can be an exact byte offset,
// streams the file, and adds no dependency to package.json.
//
// One row is one ticket; or, with `messageBody` mapped, consecutive rows sharing an `externalId`
// are one ticket and each row one message (exports that list a ticket's comments one per row).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { CsvMapping } from '../../../../common/contract/imports.ts';
import { checkCursor, emailOf, normalizeTags, subjectOf, Tally } from './common.ts';
import { htmlToText, looksLikeHtml } from './html.ts';
import {
  type Estimate,
  type ImportRecord,
  type ImportSource,
  ImportSourceError,
  type Priority,
  type ReadOptions,
  type SourceAttachment,
  type SourceContact,
  type SourceMessage,
  type SourceTicket,
  type SourceUser,
  type TicketStatus,
} from './types.ts';

const statuses = ['open', 'pending', 'resolved', 'closed'] as const;
const priorities = ['low', 'medium', 'high', 'urgent'] as const;

/** Which column holds each field: defined once, in the API contract (POST /imports takes it). */
export const csvMapping = CsvMapping;
export type CsvMapping = z.infer<typeof csvMapping>;

type Field = Exclude<keyof CsvMapping, 'delimiter' | 'tagSeparator' | 'statusValues' | 'priorityValues' | 'dateFormat' | 'timezone'>;
const FIELDS: Field[] = [
  'externalId', 'subject', 'body', 'status', 'priority', 'tags', 'requesterEmail', 'requesterName', 'company', 'assignee',
  'createdAt', 'updatedAt', 'messageBody', 'messageAuthor', 'messageCreatedAt', 'messageInternal', 'messageId',
];

export interface CsvOptions {
  file: string;
  /** The mapping, or the path of a JSON file with it. Default: headers named like the fields. */
  mapping?: CsvMapping | string;
}

export const csvCursor = z.object({
  source: z.literal('csv'),
  v: z.literal(1),
  /** Bytes of the file consumed (through the last row of the last ticket yielded). */
  offset: z.number().int().nonnegative(),
  /** SHA-256 of those bytes: if the file changed before that point, the read starts over. */
  prefixHash: z.string(),
  /** Data rows consumed, for messages. */
  rows: z.number().int().nonnegative(),
});
export type CsvCursor = z.infer<typeof csvCursor>;

// ---------------------------------------------------------------------------------------------
// The parser.

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** Byte offset just after the record (its line break included). */
  end: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const DELIMITERS = [0x2c, 0x3b, 0x09, 0x7c]; // , ; tab |

function inputError(message: string, cause?: unknown) {
  return new ImportSourceError({ source: 'csv', code: 'input', message, cause });
}

/** Picks the delimiter that occurs most often outside quotes on the first line. */
export function detectDelimiter(head: Uint8Array): number {
  const counts = new Map<number, number>();
  let quoted = false;
  for (const b of head) {
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && (b === LF || b === CR)) break;
    else if (!quoted && DELIMITERS.includes(b)) counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  let best = 0x2c;
  let bestCount = 0;
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > bestCount) [best, bestCount] = [d, counts.get(d) ?? 0];
  return best;
}

/**
 * Parses CSV bytes as they stream in. `hash` (if given) is fed every byte consumed, so the
 * caller can fingerprint the prefix up to any record end.
 */
export async function* parseCsv(
  chunks: AsyncIterable<Uint8Array>,
  options: { delimiter?: string; onBytes?: (bytes: Uint8Array) => void } = {},
): AsyncGenerator<CsvRecord, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let delimiter = options.delimiter ? options.delimiter.charCodeAt(0) : -1;
  let offset = 0; // bytes before the current chunk
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let pieces: Uint8Array[] = [];
  let state: 'start' | 'plain' | 'quoted' | 'quote' = 'start';
  let pendingCR = false;
  let first = true;

  const decode = (parts: Uint8Array[]) => {
    try {
      return decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    } catch (cause) {
      throw inputError(`line ${recordLine}: the file is not UTF-8 text; save it as UTF-8 and try again`, cause);
    }
  };

  for await (const raw of chunks) {
    let chunk = raw;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        options.onBytes?.(chunk.subarray(0, 3));
        offset += 3;
        chunk = chunk.subarray(3);
      }
      if (delimiter < 0) delimiter = detectDelimiter(chunk);
    }
    options.onBytes?.(chunk);
    let segStart = 0;
    const out: CsvRecord[] = [];
    const endField = (i: number) => {
      if (state === 'plain' || state === 'start') pieces.push(chunk.subarray(segStart, i));
      fields.push(decode(pieces));
      pieces = [];
      state = 'start';
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (pendingCR) {
        pendingCR = false;
        if (b === LF) {
          // CRLF: the record already ended at CR; count the LF in (unless it came in a new chunk).
          const previous = out[out.length - 1];
          if (previous) previous.end = offset + i + 1;
          segStart = i + 1;
          continue;
        }
      }
      if (state === 'quoted') {
        if (b === QUOTE) {
          pieces.push(chunk.subarray(segStart, i));
          state = 'quote';
        } else if (b === LF || (b === CR && chunk[i + 1] !== LF)) line += 1;
        continue;
      }
      if (state === 'quote') {
        if (b === QUOTE) {
          // A doubled quote: one literal quote, still inside.
          segStart = i;
          state = 'quoted';
          continue;
        }
        segStart = i;
        state = 'plain'; // text after the closing quote is kept as written
      }
      if (b === QUOTE && state === 'start') {
        state = 'quoted';
        segStart = i + 1;
        continue;
      }
      if (b === delimiter) {
        endField(i);
        segStart = i + 1;
        continue;
      }
      if (b === LF || b === CR) {
        endField(i);
        segStart = i + 1;
        out.push({ fields, line: recordLine, end: offset + i + 1 });
        fields = [];
        line += 1;
        recordLine = line;
        if (b === CR) pendingCR = true;
        continue;
      }
      if (state === 'start') state = 'plain';
    }
    // The field goes on in the next chunk ('quote' has pushed its part already).
    const open: string = state;
    if (open === 'plain' || open === 'quoted') pieces.push(chunk.subarray(segStart));
    offset += chunk.length;
    for (const r of out) if (!(r.fields.length === 1 && r.fields[0] === '')) yield r;
  }
  if (state === 'quoted') throw inputError(`line ${recordLine}: a quoted field is never closed`);
  if (pieces.length > 0 || fields.length > 0) {
    fields.push(decode(pieces));
    if (!(fields.length === 1 && fields[0] === '')) yield { fields, line: recordLine, end: offset };
  }
}

// ---------------------------------------------------------------------------------------------
// Values.

const STATUS_WORDS: Record<string, TicketStatus> = {
  new: 'open', open: 'open', active: 'open', 'in progress': 'open', reopened: 'open',
  pending: 'pending', waiting: 'pending', 'on hold': 'pending', hold: 'pending',
  solved: 'resolved', resolved: 'resolved', done: 'resolved', fixed: 'resolved',
  closed: 'closed', spam: 'closed', archived: 'closed',
};
const PRIORITY_WORDS: Record<string, Priority> = {
  low: 'low', lowest: 'low', minor: 'low', medium: 'medium', normal: 'medium', moderate: 'medium',
  high: 'high', major: 'high', urgent: 'urgent', critical: 'urgent', highest: 'urgent', blocker: 'urgent',
};

function lookup<T extends string>(value: string, custom: Record<string, T> | undefined, words: Record<string, T>): T | undefined {
  const v = value.trim().toLowerCase();
  for (const [k, to] of Object.entries(custom ?? {})) if (k.trim().toLowerCase() === v) return to;
  return words[v];
}

/** Reads a date cell with the mapping's format (or the usual ones) as ISO UTC. */
export function parseDate(value: string, format: string | undefined, timezone: string | undefined): string | null {
  const s = value.trim();
  if (s === '') return null;
  const zone = timezone === undefined || timezone === 'Z' ? 'Z' : timezone;
  if (!format) {
    if (/^\d{9,11}$/.test(s)) return new Date(Number(s) * 1000).toISOString();
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
    if (!m) return null;
    const tz = m[8] ? (m[8].toUpperCase() === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : zone;
    const iso = `${m[1]}-${m[2]}-${m[3]}T${(m[4] ?? '00').padStart(2, '0')}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? `.${m[7].slice(0, 3).padEnd(3, '0')}` : ''}${tz}`;
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  }
  const tokens: string[] = [];
  const pattern = format.replace(/YYYY|MM|DD|HH|hh|mm|ss|A|M|D|H|h|[.*+?^${}()|[\]\\]/g, (t) => {
    const re: Record<string, string> = { YYYY: '(\\d{4})', MM: '(\\d{2})', DD: '(\\d{2})', HH: '(\\d{2})', hh: '(\\d{2})', mm: '(\\d{2})', ss: '(\\d{2})', A: '([AaPp][Mm])', M: '(\\d{1,2})', D: '(\\d{1,2})', H: '(\\d{1,2})', h: '(\\d{1,2})' };
    if (re[t]) {
      tokens.push(t);
      return re[t];
    }
    return `\\${t}`;
  });
  const m = new RegExp(`^${pattern}$`).exec(s);
  if (!m) return null;
  const part: Record<string, string> = {};
  tokens.forEach((t, k) => {
    part[t] = m[k + 1] as string;
  });
  let hour = Number(part.HH ?? part.H ?? part.hh ?? part.h ?? 0);
  if (part.A) {
    const pm = part.A.toLowerCase() === 'pm';
    if (hour === 12) hour = pm ? 12 : 0;
    else if (pm) hour += 12;
  }
  const pad = (n: number | string) => String(n).padStart(2, '0');
  const iso = `${part.YYYY}-${pad(part.MM ?? part.M ?? 1)}-${pad(part.DD ?? part.D ?? 1)}T${pad(hour)}:${pad(part.mm ?? 0)}:${pad(part.ss ?? 0)}${zone}`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

async function loadMapping(mapping: CsvOptions['mapping']): Promise<CsvMapping | null> {
  if (mapping === undefined) return null;
  let value: unknown = mapping;
  if (typeof mapping === 'string') {
    try {
      value = JSON.parse(await readFile(mapping, 'utf8'));
    } catch (cause) {
      throw inputError(`cannot read the mapping ${mapping}: ${(cause as Error).message}`, cause);
    }
  }
  const parsed = csvMapping.safeParse(value);
  if (!parsed.success) {
    throw inputError(`the mapping is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Column index per mapped field; every mapped header must exist (exact, else case-insensitive). */
function resolveColumns(mapping: CsvMapping | null, header: string[]): Partial<Record<Field, number>> {
  const columns: Partial<Record<Field, number>> = {};
  const find = (name: string) => {
    const exact = header.indexOf(name);
    if (exact >= 0) return exact;
    return header.findIndex((h) => h.trim().toLowerCase() === name.trim().toLowerCase());
  };
  for (const field of FIELDS) {
    const name = mapping ? mapping[field] : field;
    if (name === undefined) continue;
    const index = find(name);
    if (index >= 0) columns[field] = index;
    else if (mapping) throw inputError(`the mapping names column "${name}" for ${field}, but the header has ${header.map((h) => `"${h}"`).join(', ')}`);
  }
  if (columns.subject === undefined && columns.body === undefined && columns.messageBody === undefined) {
    throw inputError(`no subject or body column: map one (the header has ${header.map((h) => `"${h}"`).join(', ')})`);
  }
  if (columns.messageBody !== undefined && columns.externalId === undefined) {
    throw inputError('messageBody needs externalId mapped too: rows of one ticket are grouped by it');
  }
  return columns;
}

// ---------------------------------------------------------------------------------------------
// Reading.

async function hashPrefix(file: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  if (bytes > 0) for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function* read(options: CsvOptions & ReadOptions<CsvCursor>): AsyncGenerator<ImportRecord<CsvCursor>, void, undefined> {
  const mapping = await loadMapping(options.mapping);
  const info = await stat(options.file).catch((cause: unknown) => {
    throw inputError(`cannot read ${options.file}: ${(cause as Error).message}`, cause);
  });
  const tally = new Tally(options.onProgress);

  // Resume only if the file is unchanged up to where the cursor stopped (appending is fine).
  let skipTo = 0;
  if (options.since) {
    const since = checkCursor('csv', csvCursor, options.since);
    if (since.offset <= info.size && (await hashPrefix(options.file, since.offset)) === since.prefixHash) skipTo = since.offset;
  }

  const hash: Hash = createHash('sha256');
  let hashedUpTo = 0; // bytes fed to `hash`
  const consumed: Uint8Array[] = []; // bytes read but not yet hashed (hash stops at record ends)
  const records = parseCsv(createReadStream(options.file, { highWaterMark: 64 * 1024 }), {
    delimiter: mapping?.delimiter,
    onBytes: (b) => consumed.push(b),
  });
  /** Feeds the hash exactly up to `offset` (never backwards). */
  const advance = (offset: number) => {
    while (hashedUpTo < offset && consumed.length > 0) {
      const head = consumed[0] as Uint8Array;
      const take = Math.min(head.length, offset - hashedUpTo);
      hash.update(head.subarray(0, take));
      hashedUpTo += take;
      if (take === head.length) consumed.shift();
      else consumed[0] = head.subarray(take);
    }
  };
  const cursorAt = (offset: number, rows: number): CsvCursor => {
    advance(offset);
    return { source: 'csv', v: 1, offset, prefixHash: hash.copy().digest('hex'), rows };
  };

  const first = await records.next();
  if (first.done) throw inputError(`${options.file} is empty`);
  const header = first.value.fields;
  const cols = resolveColumns(mapping, header);
  const grouped = cols.messageBody !== undefined;
  const cell = (r: CsvRecord, field: Field): string => {
    const i = cols[field];
    return i === undefined ? '' : (r.fields[i] ?? '').trim();
  };
  const fallbackTime = info.mtime.toISOString();
  const date = (r: CsvRecord, field: Field): string | null => {
    const raw = cell(r, field);
    if (raw === '') return null;
    const iso = parseDate(raw, mapping?.dateFormat, mapping?.timezone);
    if (iso === null) throw inputError(`line ${r.line}: ${field} "${raw}" is not a date${mapping?.dateFormat ? ` in the format ${mapping.dateFormat}` : ' (set dateFormat in the mapping)'}`);
    return iso;
  };

  const contacts = new Set<string>();
  const users = new Set<string>();
  let rows = 0;
  let group: CsvRecord[] = [];
  const seenIds = new Set<string>();

  const build = (rowsOfTicket: CsvRecord[], firstRow: number): { extras: (SourceContact | SourceUser)[]; ticket: SourceTicket } => {
    const r = rowsOfTicket[0] as CsvRecord;
    const externalId = cell(r, 'externalId') || `row-${firstRow}`;
    const createdAt = date(r, 'createdAt') ?? fallbackTime;
    const updatedAt = date(r, 'updatedAt') ?? createdAt;
    const statusRaw = cell(r, 'status');
    const status = statusRaw === '' ? 'open' : lookup(statusRaw, mapping?.statusValues, STATUS_WORDS);
    if (!status) throw inputError(`line ${r.line}: status "${statusRaw}" is not mapped; add it to statusValues (${statuses.join(', ')})`);
    const priorityRaw = cell(r, 'priority');
    const priority = priorityRaw === '' ? 'medium' : lookup(priorityRaw, mapping?.priorityValues, PRIORITY_WORDS);
    if (!priority) throw inputError(`line ${r.line}: priority "${priorityRaw}" is not mapped; add it to priorityValues (${priorities.join(', ')})`);
    const separator = mapping?.tagSeparator;
    const tags = normalizeTags(cell(r, 'tags').split(separator ?? /[,;|]/));

    const extras: (SourceContact | SourceUser)[] = [];
    const email = emailOf(cell(r, 'requesterEmail'));
    const name = cell(r, 'requesterName') || null;
    const contactId = email ?? (name ? `name:${name.toLowerCase()}` : null);
    if (contactId && !contacts.has(contactId)) {
      contacts.add(contactId);
      extras.push({ externalId: contactId, name, email, company: cell(r, 'company') || null, createdAt, updatedAt: createdAt });
    }
    const agentOf = (value: string): string | null => {
      if (value === '') return null;
      const id = value.toLowerCase();
      if (!users.has(id)) {
        users.add(id);
        const isEmail = emailOf(value) !== null;
        extras.push({
          externalId: id,
          name: isEmail ? value.split('@')[0] as string : value,
          email: isEmail ? id : null,
          role: 'agent',
          active: true,
          deleted: false,
          placeholder: false,
          createdAt: null,
          updatedAt: null,
        });
      }
      return id;
    };
    const assignee = agentOf(cell(r, 'assignee'));

    const text = (raw: string) => (looksLikeHtml(raw) ? { body: htmlToText(raw), html: raw } : { body: raw.replace(/\r\n?/g, '\n'), html: null });
    const messages: SourceMessage[] = [];
    const none: SourceAttachment[] = [];
    const description = cell(r, 'body');
    if (description) {
      messages.push({ externalId: `${externalId}#0`, ...text(description), internal: false, sender: 'customer', author: contactId, authorName: name, createdAt, attachments: none });
    }
    if (grouped) {
      rowsOfTicket.forEach((row, k) => {
        const body = cell(row, 'messageBody');
        if (!body) return;
        const author = cell(row, 'messageAuthor');
        const fromRequester = author === '' || author.toLowerCase() === email || author.toLowerCase() === name?.toLowerCase();
        const internal = /^(1|true|yes|y|internal|private|note)$/i.test(cell(row, 'messageInternal'));
        messages.push({
          externalId: cell(row, 'messageId') || `${externalId}#${k + 1}`,
          ...text(body),
          internal,
          sender: fromRequester ? 'customer' : 'agent',
          author: fromRequester ? contactId : agentOf(author),
          authorName: author || name,
          createdAt: date(row, 'messageCreatedAt') ?? createdAt,
          attachments: none,
        });
      });
    }
    messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const lastMessage = messages[messages.length - 1]?.createdAt;
    return {
      extras,
      ticket: {
        externalId,
        subject: subjectOf(cell(r, 'subject') || (messages[0]?.body.split('\n')[0] ?? '').slice(0, 120)),
        status,
        priority,
        sourceStatus: statusRaw,
        tags,
        requester: { externalId: contactId, email, name },
        assignee,
        createdAt,
        updatedAt: lastMessage && lastMessage > updatedAt ? lastMessage : updatedAt,
        deleted: false,
        messages,
      },
    };
  };

  // Where the last ticket ended: users and contacts that come before a ticket carry this cursor,
  // so resuming repeats them (harmless upserts) and then the ticket.
  let positionBefore = first.value.end;
  let rowsBefore = 0;
  async function* flush(rowsOfTicket: CsvRecord[], firstRow: number, lastRow: number): AsyncGenerator<ImportRecord<CsvCursor>> {
    const last = rowsOfTicket[rowsOfTicket.length - 1] as CsvRecord;
    if (last.end <= skipTo) {
      advance(last.end);
      positionBefore = last.end;
      rowsBefore = lastRow;
      return;
    }
    const { extras, ticket } = build(rowsOfTicket, firstRow);
    for (const extra of extras) {
      const cursor = cursorAt(positionBefore, rowsBefore);
      const record: ImportRecord<CsvCursor> = 'role' in extra ? { kind: 'user', item: extra, cursor } : { kind: 'contact', item: extra, cursor };
      tally.count(record as Exclude<ImportRecord<CsvCursor>, { kind: 'checkpoint' }>);
      yield record;
    }
    positionBefore = last.end;
    rowsBefore = lastRow;
    const record = { kind: 'ticket' as const, item: ticket, cursor: cursorAt(last.end, lastRow) };
    tally.count(record);
    yield record;
  }

  let groupStart = 0;
  for await (const r of records) {
    rows += 1;
    if (options.signal?.aborted) throw new ImportSourceError({ source: 'csv', code: 'aborted', message: 'aborted' });
    if (!grouped) {
      yield* flush([r], rows, rows);
      continue;
    }
    const id = cell(r, 'externalId');
    if (id === '') throw inputError(`line ${r.line}: the ${mapping?.externalId ?? 'externalId'} column is empty`);
    const current = group[0] ? cell(group[0], 'externalId') : null;
    if (current !== null && id !== current) {
      seenIds.add(current);
      yield* flush(group, groupStart, groupStart + group.length - 1);
      group = [];
    }
    if (group.length === 0) {
      if (seenIds.has(id)) throw inputError(`line ${r.line}: the rows of ticket "${id}" are not together; sort the file by ${mapping?.externalId ?? 'externalId'}`);
      groupStart = rows;
    }
    group.push(r);
  }
  if (group.length > 0) yield* flush(group, groupStart, groupStart + group.length - 1);
  yield { kind: 'checkpoint', item: null, cursor: cursorAt(positionBefore, rowsBefore) };
}

async function estimate(options: CsvOptions & ReadOptions<CsvCursor>): Promise<Estimate> {
  // Counting means reading the file; it is local and quick. With one row per message, a ticket
  // is a run of rows sharing its id.
  const mapping = await loadMapping(options.mapping);
  let header: string[] | null = null;
  let idColumn = -1;
  let tickets = 0;
  let previous: string | null = null;
  for await (const r of parseCsv(createReadStream(options.file), { delimiter: mapping?.delimiter })) {
    if (header === null) {
      header = r.fields;
      if (mapping?.messageBody !== undefined && mapping.externalId !== undefined) idColumn = header.indexOf(mapping.externalId);
      continue;
    }
    const id = idColumn >= 0 ? (r.fields[idColumn] ?? '').trim() : null;
    if (id === null || id !== previous) tickets += 1;
    previous = id;
  }
  return { tickets };
}

async function downloadAttachment(): Promise<{ bytes: Uint8Array; contentType: string }> {
  throw inputError('CSV imports carry no attachments');
}

export const csv: ImportSource<CsvOptions, CsvCursor> = {
  name: 'csv',
  read,
  estimate,
  downloadAttachment,
  parseCursor: (value) => checkCursor('csv', csvCursor, value),
};
export default csv;
