// The neutral shape every import source yields, whatever product it reads. The database side
// (written separately) turns these into LocalDesk rows; nothing here knows about SQLite.
//
// Conventions shared by every type below:
// - `externalId` is the product's own id as a string. It is unique per (source, kind): a Zendesk
//   user 42 and a Zendesk contact 42 are the same person seen twice (an agent who also filed a
//   ticket), and the writer keys rows by (source, kind, externalId) so a re-run updates in place.
// - Every timestamp is ISO-8601 UTC with milliseconds ("2024-03-28T14:22:00.000Z"), the format
//   LocalDesk stores, whatever the product sent (Unix seconds, "Z" without milliseconds, offsets).
// - Yields are upserts. The same item may be yielded again (a resumed run repeats at most the
//   item after the cursor's; an incremental run repeats items changed since), never with a
//   different meaning.

export type SourceName = 'zendesk' | 'freshdesk' | 'helpscout' | 'csv';

export type TicketStatus = 'open' | 'pending' | 'resolved' | 'closed';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';

/** An agent or admin of the product: becomes a LocalDesk user. */
export interface SourceUser {
  externalId: string;
  name: string;
  /** Null when the product has none (a deleted account, a user only known by id). */
  email: string | null;
  role: 'admin' | 'agent';
  /** Could sign in to the product when read. (The writer still creates users inactive unless invited.) */
  active: boolean;
  /** Deleted or deactivated in the product; kept so old messages keep their author. */
  deleted: boolean;
  /**
   * The product no longer lists this user: only what a reference carried is known (its id, maybe
   * a name and email from an embedded author). Writer: create it if missing; if it exists, mark it
   * deleted and leave its other fields alone.
   */
  placeholder: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

/** A customer (end-user, requester): becomes a LocalDesk contact. */
export interface SourceContact {
  externalId: string;
  name: string | null;
  /**
   * Lower-cased. Null when the product has no address (phone or chat-only customers); LocalDesk
   * requires one, so the writer must make one up (e.g. `<source>-<externalId>@import.invalid`).
   */
  email: string | null;
  /** The organisation's or company's name, resolved by the source. */
  company: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Who asked. Self-contained so the writer can create the contact even when the contact row came
 * in an earlier run (incremental) or the product no longer lists it: resolve by externalId among
 * this source's contacts first, then by email.
 */
export interface SourceRequester {
  externalId: string | null;
  email: string | null;
  name: string | null;
}

export interface SourceAttachment {
  externalId: string;
  name: string;
  contentType: string;
  /** Bytes, when the product says. */
  size: number | null;
  /** Where the bytes are; fetch them with the source's `downloadAttachment` (it knows the auth). */
  url: string;
}

export interface SourceMessage {
  externalId: string;
  /** Plain text: HTML converted (paragraphs and line breaks kept, links as "text (url)", scripts dropped). */
  body: string;
  /** The product's HTML when it had any; null for plain-text sources. */
  html: string | null;
  /** A private note / internal comment, never shown to the customer. */
  internal: boolean;
  sender: 'customer' | 'agent' | 'system';
  /**
   * The author's externalId: a contact's when sender is 'customer', a user's when 'agent'. Null
   * when unknown. It may name a user or contact yielded in an earlier run; if the writer finds
   * none, keep the message with no author.
   */
  author: string | null;
  /** The author's display name when the product embedded one (useful when `author` resolves to nothing). */
  authorName: string | null;
  createdAt: string;
  attachments: SourceAttachment[];
}

export interface SourceTicket {
  externalId: string;
  /** Never empty: "(no subject)" when the product had none. */
  subject: string;
  status: TicketStatus;
  priority: Priority;
  /** The product's own status word ("hold", "6: Waiting on Customer", "spam"), for audit only. */
  sourceStatus: string;
  /** Lower-case, trimmed, de-duplicated, in the product's order. */
  tags: string[];
  requester: SourceRequester;
  /** A user's externalId, or null (unassigned, or assigned to a team). */
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
  /** Deleted in the product (Zendesk exports deleted tickets): the writer may skip or close it. */
  deleted: boolean;
  /** Oldest first; the first is usually the description. Empty for deleted tickets. */
  messages: SourceMessage[];
}

export type SourceItem =
  | { kind: 'user'; item: SourceUser }
  | { kind: 'contact'; item: SourceContact }
  | { kind: 'ticket'; item: SourceTicket };

/**
 * One yielded item and the position right after it. Commit the cursor in the same transaction as
 * the rows made from the item: reading again with `since: cursor` continues with the next item.
 *
 * A read that reaches the end yields one last record of kind 'checkpoint' (no item): store its
 * cursor too. Reading again with it later returns only what changed in the meantime.
 */
export type ImportRecord<C> = (SourceItem & { cursor: C }) | { kind: 'checkpoint'; item: null; cursor: C };

export type Phase = 'users' | 'contacts' | 'tickets';

export type ProgressEvent =
  /** A list page arrived. `total` is the product's count for the phase when it gives one. */
  | { type: 'page'; phase: Phase; path: string; items: number; total: number | null }
  /** Items yielded so far in this run. */
  | { type: 'items'; users: number; contacts: number; tickets: number }
  /** The client is waiting: rate limited (429), out of quota, or backing off after a failure. */
  | { type: 'wait'; path: string; ms: number; reason: 'retry-after' | 'quota' | 'server-error' | 'network' };

export interface HttpTuning {
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Retries after a 5xx or network failure; default 5. 429s are waited out, not counted. */
  maxRetries?: number;
  /** First back-off after a failure; doubles each time; default 500 ms. */
  backoffMs?: number;
  /** Longest single wait the client accepts before giving up (a Retry-After of hours); default 15 min. */
  maxWaitMs?: number;
}

export interface ReadOptions<C> {
  /** A cursor from an earlier record: continue after it. Omit for a full import. */
  since?: C | null;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  http?: HttpTuning;
}

export interface Estimate {
  /** Tickets the read will yield (or an upper bound), when the product can count them. */
  tickets: number | null;
}

/** What every source module exports as its default object, for the CLI and the job runner. */
export interface ImportSource<O, C> {
  name: SourceName;
  read(options: O & ReadOptions<C>): AsyncGenerator<ImportRecord<C>, void, undefined>;
  estimate(options: O & ReadOptions<C>): Promise<Estimate>;
  downloadAttachment(
    options: O & Pick<ReadOptions<C>, 'signal' | 'http'>,
    attachment: SourceAttachment,
  ): Promise<{ bytes: Uint8Array; contentType: string }>;
  /** Checks a stored cursor (JSON from the database) before `since`; throws ImportSourceError if it is not this source's. */
  parseCursor(value: unknown): C;
}

export type ImportErrorCode =
  | 'auth' // 401/403: bad or missing credentials, or not allowed
  | 'not-found'
  | 'rate-limit' // waited longer than maxWaitMs would allow
  | 'server' // 5xx after every retry
  | 'network' // connection failed or timed out after every retry
  | 'protocol' // the product answered something we cannot read
  | 'cursor' // a cursor that is not this source's or is malformed
  | 'input' // a bad file or mapping (CSV)
  | 'aborted';

/**
 * The one error every source throws. Its message names the source, the request path (never a
 * credential: paths carry none, and headers are never included) and the product's own message.
 */
export class ImportSourceError extends Error {
  readonly source: SourceName;
  readonly code: ImportErrorCode;
  readonly path: string | null;
  readonly status: number | null;
  readonly productMessage: string | null;

  constructor(init: {
    source: SourceName;
    code: ImportErrorCode;
    message: string;
    path?: string | null;
    status?: number | null;
    productMessage?: string | null;
    cause?: unknown;
  }) {
    const where = init.path ? ` (${init.status ? `HTTP ${init.status} ` : ''}${init.path})` : '';
    const product = init.productMessage ? `: ${init.productMessage}` : '';
    super(`${init.source}: ${init.message}${where}${product}`, { cause: init.cause });
    this.name = 'ImportSourceError';
    this.source = init.source;
    this.code = init.code;
    this.path = init.path ?? null;
    this.status = init.status ?? null;
    this.productMessage = init.productMessage ?? null;
  }
}
