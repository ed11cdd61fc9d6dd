// The one registry of query keys (TanStack Query's key-factory pattern). Pages, mutations and
// live updates (app/liveSync.ts) all take their keys from here, and each key holds exactly one
// data shape, written next to it. Families are prefixes: invalidating `tickets.lists` refreshes
// every list page and count, `tickets.detail(id)` the ticket and its activity.
import type { ContactFilters } from '../contacts/filters.ts';
import type { ConversationFilters } from '../conversations/filters.ts';
import type { TicketQuery } from './types.ts';

export const queryKeys = {
  tickets: {
    /** Prefix of every list page and view count. */
    lists: ['tickets'] as const,
    /** TicketPage: one page of GET /tickets. */
    list: (query: TicketQuery) => ['tickets', query] as const,
    /** TicketDetail: the ticket with its thread. */
    detail: (id: string) => ['ticket', id] as const,
    /** ActivityItem[]: the ticket's changes from the event feed. */
    activity: (id: string) => ['ticket', id, 'activity'] as const,
    /** string | null: the ETag of the last GET, outside the 'ticket' family so invalidation skips it. */
    etag: (id: string) => ['ticket-etag', id] as const,
  },
  conversations: {
    lists: ['conversations'] as const,
    /** InfiniteData<Page<Conversation>>. */
    list: (filters: ConversationFilters) => ['conversations', filters] as const,
    /** ConversationDetail. */
    detail: (id: string) => ['conversation', id] as const,
  },
  contacts: {
    lists: ['contacts'] as const,
    /** InfiniteData<Page<Contact>>. */
    list: (filters: ContactFilters) => ['contacts', 'list', filters] as const,
    /** Contact[]: the first matches of a search, for pickers. */
    lookup: (search: string) => ['contacts', 'lookup', search] as const,
    /** ContactDetail. */
    detail: (id: string) => ['contact', id] as const,
  },
  /** User[], sorted by name. */
  users: ['users'] as const,
  /** ApiKeyInfo[], newest first. */
  apiKeys: ['api-keys'] as const,
  /** Device[]: paired installs, live first, newest first. */
  devices: ['devices'] as const,
  /** SyncStatus | null: GET /sync/status (null where the server has no sync yet). */
  syncStatus: ['sync-status'] as const,
  /** Project[], sorted by name. */
  projects: ['projects'] as const,
  /** Tag[], sorted by name. */
  tags: ['tags'] as const,
  /** Macro[], sorted by name. */
  macros: ['macros'] as const,
  /** SlaPolicy[]. */
  slaPolicies: ['sla-policies'] as const,
  /** Optional<Webhook[]>. */
  webhooks: ['webhooks'] as const,
  /** WebhookDelivery[]. */
  deliveries: (webhookId: string) => ['webhooks', webhookId, 'deliveries'] as const,
  /** Optional<Mailbox[]>, oldest first. */
  mailboxes: ['mailboxes'] as const,
  /** QuarantinedMail[]: a mailbox's mail kept aside, newest first. */
  quarantine: (mailboxId: string) => ['mailboxes', mailboxId, 'quarantine'] as const,
  /** Workflow[], sorted by name. */
  workflows: ['workflows'] as const,
  /** ListResult of Notification: the signed-in user's newest notifications and the unread count. */
  notifications: ['notifications'] as const,
  /** NotificationPrefs. */
  notificationPrefs: ['notification-prefs'] as const,
  /** Invitation[], newest first. */
  invitations: ['invitations'] as const,
  /** Session[]: the signed-in user's sessions. */
  sessions: ['sessions'] as const,
  /** TicketPresence[]: who has which ticket open (kept current by presence messages). */
  presence: ['presence'] as const,
  /** Optional<SavedView[]>: the signed-in user's saved views. */
  views: ['views'] as const,
  /** AnalyticsSummary for a window of days. */
  analytics: (days: number) => ['analytics', days] as const,
  analyticsAll: ['analytics'] as const,
};
