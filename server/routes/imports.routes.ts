// Import jobs from other helpdesks (admin): upload a CSV, start a job, follow it, cancel it.
import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { AppError } from '../core/errors.ts';
import {
  ImportCreate,
  ImportFile,
  ImportFileQuery,
  ImportJob,
  ImportListQuery,
} from '../../common/contract/imports.ts';
import { storeImportFile } from '../domain/imports/files.ts';
import { cancelImport, createImport, getImport, listImports } from '../domain/imports/imports.service.ts';

const tag = 'Imports';
export const importFileLimitBytes = 1024 ** 3;
const csvTypes = ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'] as const;

const mappingDoc =
  'Users become users (created inactive: they are authors and assignees until an admin activates ' +
  'them; one whose e-mail is already here is that user), organisations’ people and customers ' +
  'become contacts (company = organisation), tickets keep their status, priority, tags, ' +
  'requester, assignee and their created and updated times, comments become messages (public ' +
  'or internal, with author and time), their files attachments on them (a file the product will ' +
  'not give, or over the size limit, is refused in `errors`). Each ticket keeps its origin as `externalId` ' +
  '(`GET /tickets?externalId=zendesk:1001`), so running an import again updates instead of ' +
  'duplicating, and continues from where the last import of the account stopped: only what ' +
  'changed since is read (`full: true` reads everything again). A record the API would refuse ' +
  'is refused alone, with its reason in `errors`. Events of imported rows have the actor ' +
  '`{ type: system, id: <the imp_ id> }`: webhooks and workflows do not run on them.';

export const importRoutes = [
  defineRoute({
    method: 'POST',
    path: '/imports/files',
    tag,
    summary: 'Upload a CSV file to import',
    description:
      'The body is the file itself (up to 1 GiB, UTF-8), streamed to the data folder. The answer ' +
      'shows its header and first rows so a column mapping can be chosen; start the import with ' +
      '`POST /imports { source: "csv", fileId, mapping }` (a dry run first, if you like: a file ' +
      'serves several jobs). Uploads are removed after a day.',
    scope: 'admin',
    query: ImportFileQuery,
    bodyStream: { mediaTypes: csvTypes, description: 'The CSV file' },
    status: 201,
    response: ImportFile,
    idempotency: false,
    handler: async ({ ctx, deps, http, query }) => {
      if (!http.is(...csvTypes)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `a CSV file must be sent as text/csv (got ${http.get('content-type') || 'no Content-Type'})`);
      }
      const length = http.request.length;
      if (length !== undefined && length > importFileLimitBytes) {
        throw new AppError('PAYLOAD_TOO_LARGE', `an import file is limited to ${importFileLimitBytes} bytes`, { limitBytes: importFileLimitBytes });
      }
      return { data: await storeImportFile(ctx, deps.config.dataDir, query, http.req, importFileLimitBytes) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/imports',
    tag,
    summary: 'Start an import from Zendesk, Freshdesk, Help Scout or an uploaded CSV',
    description:
      'Queues a job (201) that runs in the background, one job at a time; follow it with ' +
      '`GET /imports/:id`. The credentials are used for the run and never stored, returned or ' +
      'logged: if the server stops mid-run, the job is marked `interrupted` and starting the ' +
      'import again continues where it stopped. `dryRun` imports into a throwaway copy of the ' +
      'database and reports what the real run would do. 409 while an import of the same account ' +
      `(or file name) is queued or running. ${mappingDoc}`,
    scope: 'admin',
    body: ImportCreate,
    status: 201,
    response: ImportJob,
    errors: ['CONFLICT'],
    handler: async ({ ctx, deps, body }) => ({ data: await createImport(ctx, body, deps.imports) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/imports',
    tag,
    summary: 'List import jobs, newest first',
    scope: 'admin',
    query: ImportListQuery,
    response: z.array(ImportJob),
    list: true,
    handler: ({ ctx, query }) => listImports(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/imports/:id',
    tag,
    summary: 'An import job with its counts, refusals and progress',
    description:
      '`counts` per kind (created, updated, linked, skipped, refused), the first 100 refusals with ' +
      'their reasons, and `progress`: tickets done, the product’s own count when it gives one, ' +
      'the rate so far, an ETA, and whether the product asked to wait (rate limit).',
    scope: 'admin',
    response: ImportJob,
    handler: async ({ ctx, params }) => ({ data: await getImport(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/imports/:id/cancel',
    tag,
    summary: 'Cancel a queued or running import',
    description:
      'What it committed stays (whole records, consistent), and the next import of the account ' +
      'continues after it. 409 if the job has already finished.',
    scope: 'admin',
    response: ImportJob,
    errors: ['CONFLICT'],
    handler: async ({ ctx, deps, params }) => ({ data: await cancelImport(ctx, params.id, deps.imports) }),
  }),
];
