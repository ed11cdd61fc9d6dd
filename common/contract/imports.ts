// Import jobs: moving a desk in from Zendesk, Freshdesk, Help Scout or a CSV file. A job runs in
// the background and reports its progress; credentials go in with the request and never come out.
import { z } from 'zod';
import { Email, Timestamp, enumFilter, listQuery, text } from './base.ts';

import { importKinds, importOutcomes, importSources, importStatuses } from '../rules/imports.ts';

export { importKinds, importOutcomes, importSources, importStatuses };

const statuses = ['open', 'pending', 'resolved', 'closed'] as const;
const priorities = ['low', 'medium', 'high', 'urgent'] as const;
const column = z.string().min(1).max(200);

/** Which CSV column holds each field (by header name), and how to read the values. */
export const CsvMapping = z
  .strictObject({
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    externalId: column.optional(),
    subject: column.optional(),
    body: column.optional(),
    status: column.optional(),
    priority: column.optional(),
    tags: column.optional(),
    /** Splits the tags cell; default: comma, semicolon or pipe. */
    tagSeparator: z.string().min(1).max(10).optional(),
    requesterEmail: column.optional(),
    requesterName: column.optional(),
    company: column.optional(),
    /** An agent's e-mail address or name. */
    assignee: column.optional(),
    createdAt: column.optional(),
    updatedAt: column.optional(),
    messageBody: column.optional(),
    messageAuthor: column.optional(),
    messageCreatedAt: column.optional(),
    messageInternal: column.optional(),
    messageId: column.optional(),
    /** Source values → LocalDesk status; matched case-insensitively, before the built-in names. */
    statusValues: z.record(z.string(), z.enum(statuses)).optional(),
    priorityValues: z.record(z.string(), z.enum(priorities)).optional(),
    /** e.g. "DD.MM.YYYY HH:mm" or "MM/DD/YYYY hh:mm A"; default: ISO 8601, "YYYY-MM-DD HH:mm[:ss]" or Unix seconds. */
    dateFormat: z.string().min(1).max(50).optional(),
    /** Offset for dates without one: "+01:00"; default UTC. */
    timezone: z.string().regex(/^(Z|[+-]\d{2}:\d{2})$/).optional(),
  })
  .meta({
    id: 'CsvMapping',
    description:
      'Header names of the CSV columns that hold each field. Without a mapping, columns named like ' +
      'the fields are used. With `messageBody`, consecutive rows sharing `externalId` are one ticket ' +
      'and each row one message.',
  });

const Url = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }));
const Secret = z.string().trim().min(1).max(1000);
const DryRun = z.boolean().default(false).meta({
  description: 'Report what would be created, updated, skipped and refused, and change nothing',
});
const Full = z.boolean().default(false).meta({
  description:
    'Read everything again instead of continuing from where the last import of this account ' +
    'stopped (records already here are updated, never duplicated)',
});

export const ImportCreate = z
  .discriminatedUnion('source', [
    z.strictObject({
      source: z.literal('zendesk'),
      url: Url.meta({ description: 'The account address', example: 'https://acme.zendesk.com' }),
      email: Email.meta({ description: 'The agent the API token belongs to' }),
      token: Secret.meta({ description: 'A Zendesk API token; used for this run, never stored or returned' }),
      dryRun: DryRun,
      full: Full,
    }),
    z.strictObject({
      source: z.literal('freshdesk'),
      url: Url.meta({ example: 'https://acme.freshdesk.com' }),
      apiKey: Secret.meta({ description: 'A Freshdesk API key; used for this run, never stored or returned' }),
      dryRun: DryRun,
      full: Full,
    }),
    z.strictObject({
      source: z.literal('helpscout'),
      url: Url.default('https://api.helpscout.net'),
      appId: text(200).meta({ description: 'The OAuth app ID (client id)' }),
      appSecret: Secret.meta({ description: 'The OAuth app secret; used for this run, never stored or returned' }),
      dryRun: DryRun,
      full: Full,
    }),
    z.strictObject({
      source: z.literal('csv'),
      fileId: z.string().trim().min(1).meta({ description: 'An upl_ id from POST /imports/files' }),
      mapping: CsvMapping.optional(),
      dryRun: DryRun,
      full: Full,
    }),
  ])
  .meta({ id: 'ImportCreate' });

const OutcomeCounts = z.object(
  Object.fromEntries(importOutcomes.map((o) => [o, z.number().int()])) as Record<
    (typeof importOutcomes)[number],
    z.ZodNumber
  >,
);
export const ImportCounts = z
  .object(
    Object.fromEntries(importKinds.map((k) => [k, OutcomeCounts])) as Record<
      (typeof importKinds)[number],
      typeof OutcomeCounts
    >,
  )
  .meta({
    id: 'ImportCounts',
    description:
      'Per kind: `created`; `updated` (changed since the last import); `linked` (matched an ' +
      'existing user or contact by e-mail, which the import then leaves as it is); `skipped` ' +
      '(unchanged, or deleted in the product: see `skippedReasons`); `refused` (what the API ' +
      'would refuse, listed in `errors`). Attachments: each file comes in on its message, as an ' +
      'attachment like any upload; one the product will not give, or over the attachment size ' +
      'limit, is `refused` (listed in `errors`, its details kept) and tried again when a run reads ' +
      'its ticket again (`full`, or the ticket changed).',
  });

export const ImportRefusal = z.object({
  kind: z.enum(importKinds),
  externalId: z.string().nullable().meta({ description: 'The record’s id in the product' }),
  reason: z.string(),
});

export const ImportJob = z
  .object({
    id: z.string(),
    source: z.enum(importSources),
    status: z.enum(importStatuses),
    dryRun: z.boolean(),
    full: z.boolean(),
    origin: z.enum(['api', 'cli']).meta({ description: 'Started through the API (or UI), or by `localdesk import-from`' }),
    options: z
      .object({
        url: z.string().optional(),
        email: z.string().optional(),
        appId: z.string().optional(),
        fileId: z.string().optional(),
        fileName: z.string().optional(),
        mapping: CsvMapping.optional(),
      })
      .meta({ description: 'What the import reads, without its credentials' }),
    counts: ImportCounts,
    skippedReasons: z.record(z.string(), z.number().int()),
    errors: z.array(ImportRefusal).meta({ description: 'The first 100 refusals, with their reasons' }),
    errorCount: z.number().int(),
    failure: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .meta({
        description:
          'Why a failed job stopped. `interrupted`: the process running it stopped; start the ' +
          'import again (same account) to continue where it stopped.',
      }),
    progress: z.object({
      phase: z.enum(['users', 'contacts', 'tickets']).nullable(),
      ticketsDone: z.number().int().meta({ description: 'Tickets handled by this job so far' }),
      ticketsEstimated: z.number().int().nullable().meta({ description: 'What the product says it has, when it says' }),
      ticketsPerSecond: z.number().nullable(),
      etaSeconds: z.number().int().nullable(),
      waiting: z
        .object({ reason: z.enum(['retry-after', 'quota', 'server-error', 'network']), until: Timestamp })
        .nullable()
        .meta({ description: 'The product asked to wait (rate limit) or is failing and is retried' }),
    }),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'ImportJob' });

export const ImportListQuery = listQuery(['createdAt'], {
  status: enumFilter(importStatuses).optional(),
  source: enumFilter(importSources).optional(),
});

export const ImportFileQuery = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^/\\]*$/, 'a file name, without folders')
    .meta({ description: 'The file’s name: with the account it keys incremental re-runs', example: 'tickets.csv' }),
  modifiedAt: Timestamp.optional().meta({
    description:
      'When the file was last changed (a browser’s File.lastModified): a file without a created ' +
      'column dates its tickets by it, so the same file uploaded again dates them the same',
  }),
});

export const ImportFile = z
  .object({
    id: z.string(),
    name: z.string(),
    bytes: z.number().int(),
    sha256: z.string(),
    delimiter: z.string(),
    headers: z.array(z.string()).meta({ description: 'The first row: the columns to map' }),
    sample: z.array(z.array(z.string())).meta({ description: 'Up to 5 rows after the header' }),
    createdAt: Timestamp,
  })
  .meta({ id: 'ImportFile' });

export type CsvMappingT = z.output<typeof CsvMapping>;
export type ImportCreateInput = z.output<typeof ImportCreate>;
export type ImportJobT = z.output<typeof ImportJob>;
export type ImportCountsT = z.output<typeof ImportCounts>;
export type ImportRefusalT = z.output<typeof ImportRefusal>;
export type ImportListParams = z.output<typeof ImportListQuery>;
export type ImportFileT = z.output<typeof ImportFile>;
export type ImportKind = (typeof importKinds)[number];
export type ImportOutcome = (typeof importOutcomes)[number];
