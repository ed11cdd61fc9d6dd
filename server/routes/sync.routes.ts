import { defineRoute } from '../http/route.ts';
import { SyncChangesPage, SyncChecksums, SyncPullRequest } from '../../common/contract/syncFeed.ts';
import { SyncStatus } from '../../common/contract/sync.ts';
import { dismissChange, pullChanges, readChecksums, syncStatus } from '../domain/sync/sync.service.ts';
import { openSyncStream, sendSnapshot } from '../http/syncStreams.ts';

const tag = 'Team sync';

const reader =
  'For a paired device (its key from POST /sync/pair) or an `admin` key; a replica serves none ' +
  'of this to others (503).';

export const syncRoutes = [
  defineRoute({
    method: 'GET',
    path: '/sync/status',
    tag,
    summary: 'Whether this install is a host or a replica, and how its sync is doing',
    description:
      'On a host: `{ role: "host", devices }` (live paired devices). On a replica: its state ' +
      '(`online`, `offline`: the host cannot be reached, `syncing`: copying the host afresh), ' +
      'how many of its writes wait for the host (`pending`), its position in the host\'s change ' +
      'log, and the writes the host refused, with the reason.',
    scope: 'any',
    response: SyncStatus,
    handler: async ({ ctx, deps }) => ({ data: await syncStatus(ctx, deps.replica) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/sync/snapshot',
    tag,
    summary: 'Everything a replica holds, as it is now (NDJSON)',
    description:
      `${reader} One consistent snapshot, streamed: a header line \`{ format, version, cursor, ` +
      'columns }`, then `{ t: table, r: [rows] }` lines, then `{ end: true, rows }`. Pull changes ' +
      'after `cursor` from then on.',
    scope: 'any',
    stream: true,
    produces: { mediaType: 'application/x-ndjson', description: 'The snapshot' },
    handler: async ({ ctx, deps, http }) => {
      await sendSnapshot(ctx, deps.replica, http);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/sync/pull',
    tag,
    summary: 'The changes after a cursor, each row as it is now',
    description:
      `${reader} Each changed row comes once, at its latest change (\`row: null\`: deleted), ` +
      'at most `limit` of them; `more` says whether to pull again after `cursor`. `keys` asks ' +
      'for rows as they are now whatever the cursor. A cursor beyond the host\'s log (the host ' +
      'was restored from an older backup) is a 409: take a fresh snapshot.',
    scope: 'any',
    body: SyncPullRequest,
    response: SyncChangesPage,
    idempotency: false,
    handler: async ({ ctx, deps, body }) => ({ data: await pullChanges(ctx, deps.replica, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/sync/checksums',
    tag,
    summary: 'Row count and checksum of every replicated table',
    description:
      'The sum of the SHA-256 of each row, so host and replica compare their copies table by ' +
      'table at the same `cursor`. On a replica: its own copy (`admin`).',
    scope: 'any',
    response: SyncChecksums,
    handler: async ({ ctx, deps }) => ({ data: await readChecksums(ctx, deps.replica) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/sync/stream',
    tag,
    summary: 'A nudge whenever the host commits a change (Server-Sent Events)',
    description:
      `${reader} Sends \`event: changed\` after each commit and a comment every 15 s; a replica ` +
      'pulls when nudged, and catches up with POST /sync/pull after reconnecting.',
    scope: 'any',
    stream: true,
    produces: { mediaType: 'text/event-stream', description: 'Change nudges' },
    handler: async ({ ctx, deps, http }) => {
      await openSyncStream(ctx, deps, http);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/sync/outbox/:id',
    tag,
    summary: 'Dismiss a write the host refused (on a replica)',
    description: "Its person has seen the reason. A pending write is not dismissed (404), nor is anything on a host.",
    scope: 'any',
    status: 204,
    handler: async ({ ctx, deps, params }) => {
      await dismissChange(ctx, deps.replica, params.id);
      return { data: null };
    },
  }),
];
