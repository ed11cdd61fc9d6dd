// The export format, shared by export and import: which tables, in which order, which columns,
// and what a valid line of each kind looks like. Columns are read from the database's own catalog
// (SQLite's table_xinfo, PostgreSQL's information_schema: db/dialects/), so a migration that adds a column is exported and imported with no
// change here; only the local keys below stay behind.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { dialectOf } from '../../../db/dialect.ts';
import type { TableColumn } from '../../../db/dialects/types.ts';
import type { Database } from '../../../db/schema.ts';
import { AppError } from '../../core/errors.ts';
import { importRules } from './importRules.ts';

export const exportFormat = 'localdesk-export';
export const exportVersion = 1;

/**
 * Every exported table, parents before children. conversations ↔ tickets reference each other:
 * conversations come first and are inserted without their ticket_id, which is set at the end.
 * Not exported: idempotency_keys (24 h replay records), event_cursors (a local consumer's
 * progress), the *_fts search tables (rebuilt from the rows on import) and attachment_orphans
 * (the collector's queue). Attachment rows are exported; their files travel in an export
 * archive (archive.ts) beside the NDJSON.
 */
export const exportTables = [
  'users',
  'api_keys',
  'contacts',
  'projects',
  'tags',
  'sla_policies',
  'macros',
  'conversations',
  'tickets',
  'messages',
  'attachments',
  'message_attachments',
  'ticket_tags',
  'events',
  'webhooks',
  'webhook_deliveries',
  'webhook_attempts',
  'workflows',
  'views',
] as const;
export type ExportTable = (typeof exportTables)[number];

const tableNames = new Set<string>(exportTables);
export function isExportTable(name: string): name is ExportTable {
  return tableNames.has(name);
}

/** Columns that only mean something in one database (FTS rowids, feed order, leases). */
const localKeys: Partial<Record<ExportTable, readonly string[]>> = {
  tickets: ['seq'],
  conversations: ['seq'],
  events: ['seq'],
  webhooks: ['since_seq'],
  // claimed_until: a server's lease while it sends the delivery, meaningless anywhere else.
  webhook_deliveries: ['seq', 'claimed_until'],
  webhook_attempts: ['id'],
};

export type Column = Omit<TableColumn, 'generated'>;

/** The exported columns of a table (from its catalog): stored, not generated, not a local key. */
export function exportedColumns(table: ExportTable, info: readonly TableColumn[]): Column[] {
  const local = localKeys[table] ?? [];
  return info
    .filter((c) => !c.generated && !local.includes(c.name))
    .map(({ name, type, notNull, hasDefault }) => ({ name, type, notNull, hasDefault }));
}

/** Every exported table's columns, as the database `db` (either engine) declares them. */
export async function loadColumns(db: Kysely<Database>): Promise<Record<ExportTable, Column[]>> {
  const dialect = dialectOf(db);
  const entries = await Promise.all(
    exportTables.map(async (table) => [table, exportedColumns(table, await dialect.tableColumns(db, table))] as const),
  );
  return Object.fromEntries(entries) as Record<ExportTable, Column[]>;
}

export type Value = string | number | null;
export type Row = Record<string, Value>;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// ISO-8601 with a zone; normalised on import to the fixed-width form the code compares as text.
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const Timestamp = z
  .string()
  .regex(isoTimestamp, 'must be an ISO-8601 timestamp with a time zone')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'is not a valid date')
  .transform((v) => new Date(v).toISOString());

function columnSchema(column: Column): z.ZodType<Value | undefined> {
  let schema: z.ZodType<Value | undefined> = column.name.endsWith('_at')
    ? Timestamp
    : column.type === 'INTEGER'
      ? z.number().int()
      : column.type === 'REAL'
        ? z.number()
        : z.string();
  if (!column.notNull) schema = schema.nullable();
  // A column an older export lacks may be left out when the database can fill it in.
  if (!column.notNull || column.hasDefault) schema = schema.optional();
  return schema;
}

export type RowSchemas = Record<ExportTable, z.ZodType<Record<string, Value | undefined>>>;

/** The column's type, then (for a value present) the API's rule for that field (importRules.ts). */
function withRule(schema: z.ZodType<Value | undefined>, rule: z.ZodType | undefined): z.ZodType<Value | undefined> {
  if (!rule) return schema;
  return schema.superRefine((value, ctx) => {
    if (value === null || value === undefined) return;
    const checked = rule.safeParse(value);
    if (checked.success) return;
    for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
}

export function rowSchemas(columns: Record<ExportTable, readonly Column[]>): RowSchemas {
  const schemas = {} as RowSchemas;
  for (const table of exportTables) {
    const shape: Record<string, z.ZodType<Value | undefined>> = {};
    const rules = importRules[table] ?? {};
    for (const column of columns[table]) shape[column.name] = withRule(columnSchema(column), rules[column.name]);
    schemas[table] = z.strictObject(shape);
  }
  return schemas;
}

const Header = z.looseObject({
  format: z.literal(exportFormat),
  version: z.literal(exportVersion),
  exportedAt: z.string(),
});
const RowLine = z.strictObject({ table: z.string(), row: z.record(z.string(), z.unknown()) });
const EndLine = z.strictObject({ end: z.literal(true), rows: z.number().int().min(0) });

export function headerLine(exportedAt: string, appVersion: string): string {
  return `${JSON.stringify({ format: exportFormat, version: exportVersion, exportedAt, appVersion })}\n`;
}

/** The last line: a file that lacks it (or whose count differs) was cut short. */
export function endLine(rows: number): string {
  return `${JSON.stringify({ end: true, rows })}\n`;
}

export type ParsedLine =
  | { kind: 'header' }
  | { kind: 'row'; table: ExportTable; row: Row }
  | { kind: 'end'; rows: number };

/** A 400 that names the line (1-based) and, when known, the field. */
export function lineError(line: number, message: string, path = ''): AppError {
  const where = path ? `line ${line}: ${path}` : `line ${line}`;
  return new AppError('BAD_REQUEST', `${where}: ${message}`, {
    line,
    errors: [{ path: where, message }],
  });
}

function issuesError(line: number, prefix: string, error: z.ZodError): AppError {
  const errors = error.issues.map((i) => ({
    path: `line ${line}: ${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}`,
    message: i.message,
  }));
  const first = errors[0];
  const summary = first ? `${first.path}: ${first.message}` : `line ${line}: invalid`;
  return new AppError('BAD_REQUEST', summary, { line, errors });
}

/** Parses and validates one non-blank line (`line` is 1-based); the first one is the header. */
export function parseLine(text: string, line: number, schemas: RowSchemas, first: boolean): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw lineError(line, `malformed JSON: ${(err as Error).message}`);
  }
  if (first) {
    const header = Header.safeParse(value);
    if (!header.success) {
      throw lineError(line, `not a LocalDesk export header: expected {"format":"${exportFormat}","version":${exportVersion},...}`);
    }
    return { kind: 'header' };
  }
  if (typeof value === 'object' && value !== null && 'end' in value) {
    const end = EndLine.safeParse(value);
    if (!end.success) throw issuesError(line, '', end.error);
    return { kind: 'end', rows: end.data.rows };
  }
  const parsed = RowLine.safeParse(value);
  if (!parsed.success) throw issuesError(line, '', parsed.error);
  const { table, row } = parsed.data;
  if (!isExportTable(table)) throw lineError(line, `unknown table "${table}"`, 'table');
  const checked = schemas[table].safeParse(row);
  if (!checked.success) throw issuesError(line, table, checked.error);
  const clean: Row = {};
  for (const [name, v] of Object.entries(checked.data)) if (v !== undefined) clean[name] = v;
  return { kind: 'row', table, row: clean };
}
