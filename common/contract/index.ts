// The wire types of /api/v1 for every client in this repository (the renderer, the desktop
// shell): responses are the schemas' output side, request bodies their input side (defaults
// optional). Type-only, so importing it adds nothing to a bundle. The schemas themselves are in
// the files beside this one; the server validates with them and derives its OpenAPI from them.
import type { z } from 'zod';
import type * as analytics from './analytics.ts';
import type * as apiKeys from './apiKeys.ts';
import type * as auth from './auth.ts';
import type * as attachments from './attachments.ts';
import type * as base from './base.ts';
import type * as contacts from './contacts.ts';
import type * as conversations from './conversations.ts';
import type * as events from './events.ts';
import type * as macros from './macros.ts';
import type * as mail from './mail.ts';
import type * as mailboxes from './mailboxes.ts';
import type * as projects from './projects.ts';
import type * as search from './search.ts';
import type * as sla from './sla.ts';
import type * as tags from './tags.ts';
import type * as ticketActions from './ticketActions.ts';
import type * as tickets from './tickets.ts';
import type * as users from './users.ts';
import type * as views from './views.ts';
import type * as webhooks from './webhooks.ts';
import type * as workflows from './workflows.ts';

export type { Scope } from '../rules/scopes.ts';
export type ListMeta = base.ListMeta;

export type Ticket = tickets.TicketT;
export type Status = tickets.TicketT['status'];
export type Priority = tickets.TicketT['priority'];
/** GET /tickets parameters as a client sends them (comma lists for status and priority). */
export type TicketQuery = Partial<Omit<z.input<typeof tickets.TicketListQuery>, 'limit' | 'offset'>> & {
  limit?: number;
  offset?: number;
};
export type SortField = z.output<typeof tickets.TicketListQuery>['sortBy'];
export type SlaFilter = NonNullable<z.output<typeof tickets.TicketListQuery>['sla']>;
export type TicketDetail = tickets.TicketWithMessagesT;
export type Message = tickets.MessageT;
export type Attachment = attachments.AttachmentT;
export type TicketListParams = Partial<z.input<typeof tickets.TicketListQuery>>;
export type TicketCreateBody = z.input<typeof tickets.TicketCreate>;
export type TicketPatchBody = z.input<typeof tickets.TicketPatch>;
export type MessageCreateBody = z.input<typeof tickets.MessageCreate>;
export type BulkUpdateBody = z.input<typeof ticketActions.TicketBulkUpdate>;
export type BulkUpdateResult = ticketActions.TicketBulkResultT;
export type Conversation = conversations.ConversationT;
export type ConversationDetail = conversations.ConversationWithMessagesT;
export type ConversationCreateBody = z.input<typeof conversations.ConversationCreate>;
export type Contact = contacts.ContactT;
export type ContactDetail = contacts.ContactWithActivityT;
export type ContactCreateBody = z.input<typeof contacts.ContactCreate>;
export type ContactPatchBody = z.input<typeof contacts.ContactPatch>;
export type User = users.UserT;
export type UserCreateBody = z.input<typeof users.UserCreate>;
export type ApiKeyInfo = apiKeys.ApiKeyT;
export type ApiKeyCreated = z.output<typeof apiKeys.ApiKeyWithSecret>;
export type ApiKeyCreateBody = z.input<typeof apiKeys.ApiKeyCreate>;
export type Project = projects.ProjectT;
export type ProjectCreateBody = z.input<typeof projects.ProjectCreate>;
export type Tag = tags.TagT;
export type TagCreateBody = z.input<typeof tags.TagCreate>;
export type Macro = macros.MacroT;
export type MacroCreateBody = z.input<typeof macros.MacroCreate>;
export type SlaPolicy = sla.SlaPolicyT;
export type AnalyticsSummary = analytics.AnalyticsSummaryT;
export type LiveEvent = events.EventT;
/** An event as the feed serves it; `actor.userId` is the user the change was made for. */
export type FeedEvent = events.EventT;
export type Webhook = webhooks.WebhookT;
export type WebhookCreated = webhooks.WebhookWithSecretT;
export type WebhookCreateBody = z.input<typeof webhooks.WebhookCreate>;
export type WebhookDelivery = webhooks.DeliveryT;
export type Workflow = workflows.WorkflowT;
export type WorkflowCondition = workflows.ConditionT;
export type WorkflowConditionOp = workflows.ConditionT['op'];
export type WorkflowAction = workflows.ActionT;
export type WorkflowBody = z.input<typeof workflows.WorkflowCreate>;
export type WorkflowPatchBody = z.input<typeof workflows.WorkflowPatch>;
export type SearchResults = search.SearchResultsT;
export type Whoami = auth.WhoamiT;
export type SavedView = views.ViewT;
export type SavedViewFilters = views.ViewFiltersT;
export type ViewCreateBody = z.input<typeof views.ViewCreate>;
export type ViewPatchBody = z.input<typeof views.ViewPatch>;
export type MessageEmail = mail.MessageEmailT;
export type MessageDelivery = mail.MessageDeliveryT;
export type DeliveryStatus = mail.DeliveryStatus;
export type Mailbox = mailboxes.MailboxT;
export type MailboxCreateBody = z.input<typeof mailboxes.MailboxCreate>;
export type MailboxPatchBody = z.input<typeof mailboxes.MailboxPatch>;
export type MailboxTestResult = mailboxes.MailboxTestResultT;
export type QuarantinedMail = mailboxes.QuarantinedMailT;
export type QuarantineRetryResult = mailboxes.QuarantineRetryResultT;
