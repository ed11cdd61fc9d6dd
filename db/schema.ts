// The typed shape of every table. Rows are snake_case here; presenters in server/ turn them
// into the camelCase objects of the API. Timestamps are ISO-8601 UTC strings with
// milliseconds ("2026-03-28T14:22:00.000Z"): fixed width, so they sort and compare as text.
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';

/** A column computed by SQLite (GENERATED ALWAYS AS ...): readable, never written. */
type Computed<T> = ColumnType<T, never, never>;

export type TicketStatus = 'open' | 'pending' | 'resolved' | 'closed';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export type Channel = 'email' | 'chat' | 'widget';
export type ConversationStatus = 'active' | 'archived';
export type Sender = 'customer' | 'agent' | 'system';
export type Role = 'admin' | 'agent';

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: number; // 0 | 1
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string; // JSON array of scope names
  user_id: string;
  rate_limit_per_minute: number | null; // null: the server-wide default
  last_used_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface ContactsTable {
  id: string;
  name: string | null;
  email: string; // stored lower-case: addresses compare case-insensitively
  company: string | null;
  last_seen_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TicketsTable {
  /** Integer key the full-text index is bound to (stable across VACUUM). */
  seq: Generated<number>;
  id: string;
  /** The short number people use ("#1042"); given by a trigger when an insert brings none. */
  number: Generated<number>;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  status_rank: Computed<number>;
  priority_rank: Computed<number>;
  contact_id: string;
  assigned_to: string | null;
  project_id: string | null;
  conversation_id: string | null;
  first_response_due_at: string;
  resolution_due_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
  /** Where an imported ticket came from: `<source>:<the product's id>`; null otherwise. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConversationsTable {
  seq: Generated<number>;
  id: string;
  channel: Channel;
  status: ConversationStatus;
  subject: string;
  participant_email: string;
  contact_id: string;
  ticket_id: string | null;
  /** The user handling the conversation (migration 2026120610). */
  assigned_to: string | null;
  message_count: number;
  last_message_at: string;
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  id: string;
  ticket_id: string | null;
  conversation_id: string | null;
  body: string;
  sender: Sender;
  author_id: string | null;
  internal: number; // 0 | 1
  created_at: string;
}

export interface ProjectsTable {
  id: string;
  name: string;
  slug: string;
  active: number; // 0 | 1
  created_at: string;
  updated_at: string;
}

export interface TagsTable {
  id: string;
  name: string; // lower-case, unique
  color: string | null;
  created_at: string;
  updated_at: string;
}

export interface TicketTagsTable {
  ticket_id: string;
  tag_id: string;
}

export interface MacrosTable {
  id: string;
  name: string;
  body: string;
  actions: string; // JSON: { status?, priority?, addTags?, assignTo? }
  created_at: string;
  updated_at: string;
}

export interface SlaPoliciesTable {
  priority: Priority;
  first_response_minutes: number;
  resolution_minutes: number;
  updated_at: string | null;
}

export type ActorType = 'apiKey' | 'user' | 'workflow' | 'system';

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  resource_type: string;
  resource_id: string | null;
  actor_type: ActorType;
  actor_id: string | null;
  /** The user the change was made for (an API key's user); null for workflows and the system. */
  actor_user_id: string | null;
  data: string; // JSON
  /** How many workflow runs led to this event (0: a direct change). */
  workflow_depth: number;
  created_at: string;
}

export interface ViewsTable {
  id: string;
  user_id: string;
  name: string;
  filters: string; // JSON: the ticket list filters, as ViewFilters
  sort_by: 'createdAt' | 'updatedAt' | 'priority' | 'status';
  sort_order: 'asc' | 'desc';
  created_at: string;
  updated_at: string;
}

export interface IdempotencyKeysTable {
  /** The key_ or ses_ id the request came with: a key is replayed only to its own credential. */
  credential_id: string;
  key: string;
  request_hash: string;
  status: number | null; // null while the first request is still running
  response: string | null;
  created_at: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  events: string; // JSON array of event types or "*"
  secret: string;
  active: number;
  /** The newest event seq when it was created: it receives only events after this one. */
  since_seq: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  id: string;
  webhook_id: string;
  event_id: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  /** While a server sends it: until when no other server may (migration 2026120660). */
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

/** Attachment bytes in the database, when servers share it (PostgreSQL; empty on SQLite). */
export interface AttachmentChunksTable {
  sha256: string;
  /** The chunk's index: bytes [n × 1 MiB, (n + 1) × 1 MiB). */
  n: number;
  bytes: Buffer;
}

/** Requests per API key and minute, when servers share the count (PostgreSQL). */
export interface RateLimitsTable {
  key_id: string;
  /** Minutes since the epoch. */
  minute: number;
  count: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: string;
}

export interface WorkflowsTable {
  id: string;
  name: string;
  trigger: string;
  conditions: string; // JSON
  actions: string; // JSON
  active: number;
  run_count: number;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MailboxesTable {
  id: string;
  name: string;
  address: string; // lower-case
  imap_host: string;
  imap_port: number;
  imap_secure: number; // 0 | 1
  imap_user: string;
  /** Encrypted (server/core/secrets.ts); never the password itself. */
  imap_password: string;
  smtp_host: string;
  smtp_port: number;
  smtp_secure: number; // 0 | 1
  smtp_user: string;
  /** Encrypted, like imap_password. */
  smtp_password: string;
  project_id: string | null;
  active: number; // 0 | 1
  created_at: string;
  updated_at: string;
}

/** The fetch position of one folder of a mailbox, and what its last fetch saw. */
export interface MailSyncTable {
  mailbox_id: string;
  folder: string;
  /** null until the first successful open of the folder. */
  uid_validity: number | null;
  /** Every message up to this UID has been imported (or quarantined). */
  last_uid: number;
  checked_at: string | null;
  imported_at: string | null;
  error: string | null;
  error_at: string | null;
}

export type MailDirection = 'in' | 'out';

export interface MailMessageIdsTable {
  mailbox_id: string;
  /** The Message-ID header with its angle brackets, as sent. */
  message_id: string;
  /** The message it became; null when it became none (an ignored automatic mail) or was deleted. */
  message_row_id: string | null;
  direction: MailDirection;
  created_at: string;
}

export interface MailTicketTokensTable {
  ticket_id: string;
  token: string;
}

export interface MessageMailTable {
  message_id: string;
  /** The message's ticket, kept by a trigger when a merge moves the message. */
  ticket_id: string;
  mailbox_id: string | null;
  direction: MailDirection;
  headers: string; // JSON: MailHeadersJson (server/domain/mail/mail.types.ts)
  body_html: string | null;
  body_full: string | null;
  /** Why the message counts as automatic (auto-reply, list...), or null for a person's mail. */
  automatic: string | null;
}

export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'suppressed';

export interface MailOutboxTable {
  message_id: string;
  mailbox_id: string | null;
  to_address: string;
  /** Our Message-ID for this mail: fixed when queued, so a retry sends the same one. */
  mail_message_id: string;
  headers: string; // JSON: OutboundHeadersJson
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  /** While a server sends it: until when no other server may (migration 2026120651). */
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface MailQuarantineTable {
  id: string;
  mailbox_id: string;
  folder: string;
  uid_validity: number;
  uid: number;
  message_id: string | null;
  from_address: string | null;
  subject: string | null;
  size: number;
  /** The message as fetched; null when it was too large to keep. */
  raw: Buffer | null;
  error: string;
  attempts: number;
  created_at: string;
  updated_at: string;
}

/** FTS5 tables: rowid is the owning row's `seq`. */
export interface TicketFtsTable {
  rowid: number;
  subject: string;
  description: string;
  messages: string;
}

export interface ConversationFtsTable {
  rowid: number;
  subject: string;
  messages: string;
}

export interface ContactFtsTable {
  rowid: number;
  contact_id: string;
  name: string;
  email: string;
  company: string;
}

/** Where a background consumer of the event feed (the workflow engine) has got to. */
export interface EventCursorsTable {
  name: string;
  seq: number;
}

/** Tickets per status, maintained by triggers (see migration 2026112405). */
export interface TicketCountsTable {
  status: TicketStatus;
  n: number;
}

/** One row: whether seq order equals (created_at, seq) order for every ticket (migration 06). */
export interface TicketOrderTable {
  id: number;
  seq_is_created_order: number;
}

/** A password, as `scrypt$N=…,r=…,p=…$salt$hash` (server/domain/auth/passwords.ts). */
export interface UserPasswordsTable {
  user_id: string;
  hash: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the cookie's 256-bit token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  /** The browser's User-Agent (shortened), to recognise the session in a list. */
  device: string;
  ip: string;
  created_at: string;
  /** Written at most once a minute; the idle timeout counts from it. */
  last_seen_at: string;
  /** The absolute end of the session, whatever its activity. */
  expires_at: string;
}

export interface InvitationsTable {
  id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  /** The user who accepted it. */
  user_id: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

export interface LoginFailuresTable {
  seq: Generated<number>;
  /** `email:<address>` or `ip:<address>`: what the throttle counts by. */
  subject: string;
  at: string;
}

export type NotificationKind = 'assigned' | 'customer_replied' | 'mentioned' | 'sla_due';

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: NotificationKind;
  ticket_id: string | null;
  title: string;
  body: string;
  /** Who caused it (null: a customer, a workflow or the clock). */
  actor_user_id: string | null;
  event_id: string | null;
  /** Makes a notification that must come once (an SLA due time) unique. */
  dedupe_key: string | null;
  created_at: string;
  read_at: string | null;
}

export interface NotificationPrefsTable {
  user_id: string;
  kinds: string; // JSON array of the NotificationKinds the user wants
  browser: number; // 0 | 1
  updated_at: string;
}

/** A file's metadata; its bytes are in the content-addressed store under `sha256`. */
export interface AttachmentsTable {
  id: string;
  /** The name as uploaded, cleaned (no control or bidi characters, no path separators). */
  name: string;
  size: number;
  /** The type the uploader declared (`application/octet-stream` when none). */
  declared_type: string;
  /** The type the first bytes show; null when they match no known signature. */
  sniffed_type: string | null;
  sha256: string;
  /** The uploader's user id; null for files brought in by an import whose user is unknown. */
  uploaded_by: string | null;
  created_at: string;
  /** When it was first attached to a message; null while it is a fresh upload. */
  linked_at: string | null;
}

export interface MessageAttachmentsTable {
  message_id: string;
  attachment_id: string;
  /** Order within the message, as given. */
  position: number;
}

/** Contents whose last row went: the collector deletes their files (migration 2026120620). */
export interface AttachmentOrphansTable {
  sha256: string;
  queued_at: string | null;
}

export type ImportSourceName = 'zendesk' | 'freshdesk' | 'helpscout' | 'csv';
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ExternalKind = 'user' | 'contact' | 'ticket' | 'message';

/** An imported record and the row it became (migration 2026120630). */
export interface ExternalRefsTable {
  source: ImportSourceName;
  kind: ExternalKind;
  external_id: string;
  local_id: string;
  /** The product's change time when the record was last applied; null when it has none. */
  source_updated_at: string | null;
  /** 1: the row existed here before (matched by e-mail), and the import leaves it as it is. */
  linked: number;
}

/** An import job. JSON columns are described by server/domain/imports/imports.jobs.ts. */
export interface ImportsTable {
  id: string;
  source: ImportSourceName;
  /** Which account of the product (its address, or the CSV file's name): cursors are per account. */
  account: string;
  status: ImportStatus;
  dry_run: number; // 0 | 1
  /** 1: read everything again instead of continuing from the last cursor. */
  full_run: number; // 0 | 1
  origin: 'api' | 'cli';
  /** The process running it (a CLI's pid), to tell a killed run from a live one. */
  owner_pid: number | null;
  options: string; // JSON, never a credential
  cursor: string | null; // JSON
  counts: string; // JSON
  errors: string; // JSON array, the first refusals
  error_count: number;
  failure: string | null; // JSON { code, message }
  progress: string; // JSON
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** A CSV file uploaded for an import. */
export interface ImportFilesTable {
  id: string;
  name: string;
  path: string;
  bytes: number;
  sha256: string;
  created_at: string;
}

/** What an imported message's attachments were (their bytes are not imported). */
export interface ImportedAttachmentsTable {
  source: ImportSourceName;
  external_id: string;
  message_id: string;
  name: string;
  content_type: string;
  size: number | null;
  url: string;
  /** The downloaded file, once it is here (null: not downloaded, or refused). */
  attachment_id: string | null;
}

/** The change log a host serves to replicas (migration 2026120671): each key once, at its latest change. */
export interface SyncChangesTable {
  seq: Generated<number>;
  tbl: string;
  /** The row's key columns as a JSON array. */
  pk: string;
}

/** A replica's write waiting for the host (or refused by it), in order. */
export interface SyncOutboxTable {
  seq: Generated<number>;
  /** Also the Idempotency-Key of its push. */
  id: string;
  method: string;
  /** Path and query under the host's origin (/api/v1/…). */
  path: string;
  body: string | null;
  /** JSON: the fields' values the write was made on (X-LocalDesk-Expect). */
  expect: string | null;
  /** The id of the resource the write created here, replaced by the host's when it lands. */
  local_id: string | null;
  /** JSON: [table, keyJson][] of the rows the write changed here. */
  touched: string;
  state: 'pending' | 'refused';
  status: number | null;
  message: string | null;
  user_id: string | null;
  created_at: string;
}

export interface SyncReconcileTable {
  tbl: string;
  pk: string;
}

export interface SyncIdMapTable {
  local_id: string;
  host_id: string;
}

export interface SyncStateTable {
  name: string;
  value: string;
}

/** A one-time code that pairs another install with this host as a device of `user_id` (issue 17). */
export interface PairingCodesTable {
  id: string;
  /** SHA-256 hex of the normalised code (8 characters, no dash); the code itself is never stored. */
  code_hash: string;
  user_id: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  device_id: string | null;
}

/** An install paired with this host: it holds the API key `api_key_id` of `user_id`. */
export interface DevicesTable {
  id: string;
  name: string;
  user_id: string;
  api_key_id: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  tickets: TicketsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  projects: ProjectsTable;
  tags: TagsTable;
  ticket_tags: TicketTagsTable;
  macros: MacrosTable;
  sla_policies: SlaPoliciesTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  workflows: WorkflowsTable;
  ticket_fts: TicketFtsTable;
  conversation_fts: ConversationFtsTable;
  contact_fts: ContactFtsTable;
  event_cursors: EventCursorsTable;
  ticket_counts: TicketCountsTable;
  ticket_order: TicketOrderTable;
  views: ViewsTable;
  user_passwords: UserPasswordsTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  login_failures: LoginFailuresTable;
  notifications: NotificationsTable;
  notification_prefs: NotificationPrefsTable;
  attachments: AttachmentsTable;
  message_attachments: MessageAttachmentsTable;
  attachment_orphans: AttachmentOrphansTable;
  external_refs: ExternalRefsTable;
  imports: ImportsTable;
  import_files: ImportFilesTable;
  imported_attachments: ImportedAttachmentsTable;
  mailboxes: MailboxesTable;
  mail_sync: MailSyncTable;
  mail_message_ids: MailMessageIdsTable;
  mail_ticket_tokens: MailTicketTokensTable;
  message_mail: MessageMailTable;
  mail_outbox: MailOutboxTable;
  mail_quarantine: MailQuarantineTable;
  rate_limits: RateLimitsTable;
  attachment_chunks: AttachmentChunksTable;
  sync_changes: SyncChangesTable;
  sync_outbox: SyncOutboxTable;
  sync_reconcile: SyncReconcileTable;
  sync_id_map: SyncIdMapTable;
  sync_state: SyncStateTable;
  pairing_codes: PairingCodesTable;
  devices: DevicesTable;
}

/** The database, or a transaction on it: every query function takes one. */
export type Db = Kysely<Database>;

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type ContactRow = Selectable<ContactsTable>;
export type TicketRow = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketUpdate = Updateable<TicketsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type TagRow = Selectable<TagsTable>;
export type MacroRow = Selectable<MacrosTable>;
export type SlaPolicyRow = Selectable<SlaPoliciesTable>;
export type EventRow = Selectable<EventsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WorkflowRow = Selectable<WorkflowsTable>;
export type ViewRow = Selectable<ViewsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type ImportRow = Selectable<ImportsTable>;
export type ExternalRefRow = Selectable<ExternalRefsTable>;
export type MailboxRow = Selectable<MailboxesTable>;
export type MailOutboxRow = Selectable<MailOutboxTable>;
export type MailQuarantineRow = Selectable<MailQuarantineTable>;
export type SyncOutboxRow = Selectable<SyncOutboxTable>;
export type PairingCodeRow = Selectable<PairingCodesTable>;
export type DeviceRow = Selectable<DevicesTable>;
