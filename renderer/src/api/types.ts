// The wire types of the API, derived from the server's own zod schemas: one source of truth.
// These are type-only imports, erased from the bundle; request bodies use the schemas' input
// side (defaults optional), responses their output side.
import type { z } from 'zod';
import type {
  ApiKey,
  ApiKeyCreate,
  ApiKeyWithSecret,
} from '../../../server/routes/apiKeys/apiKeys.schema.ts';
import type { AnalyticsSummaryT } from '../../../server/routes/analytics/analytics.schema.ts';
import type {
  ContactPatch,
  ContactT,
  ContactWithActivityT,
} from '../../../server/routes/contacts/contacts.schema.ts';
import type {
  ConversationCreate,
  ConversationT,
  ConversationWithMessagesT,
} from '../../../server/routes/conversations/conversations.schema.ts';
import type { MacroCreate, MacroT } from '../../../server/routes/macros/macros.schema.ts';
import type { ProjectCreate, ProjectT } from '../../../server/routes/projects/projects.schema.ts';
import type { SlaPolicyT } from '../../../server/routes/sla/sla.schema.ts';
import type { TagCreate, TagT } from '../../../server/routes/tags/tags.schema.ts';
import type {
  TicketBulkResultT,
  TicketBulkUpdate,
} from '../../../server/routes/tickets/ticketActions.schema.ts';
import type {
  MessageCreate,
  MessageT,
  TicketCreate,
  TicketListQuery,
  TicketPatch,
  TicketT,
  TicketWithMessages,
} from '../../../server/routes/tickets/tickets.schema.ts';
import type { UserCreate, UserT } from '../../../server/routes/users/users.schema.ts';
import type { EventT } from '../../../server/events/events.ts';
import type { Scope as ScopeT } from '../../../server/auth/scopes.ts';
import type {
  DeliveryT,
  WebhookCreate,
  WebhookT,
  WebhookWithSecretT,
} from '../../../server/webhooks/webhooks.schema.ts';

export type Ticket = TicketT;
export type TicketDetail = z.output<typeof TicketWithMessages>;
export type Message = MessageT;
export type TicketListParams = Partial<z.input<typeof TicketListQuery>>;
export type TicketCreateBody = z.input<typeof TicketCreate>;
export type TicketPatchBody = z.input<typeof TicketPatch>;
export type MessageCreateBody = z.input<typeof MessageCreate>;
export type BulkUpdateBody = z.input<typeof TicketBulkUpdate>;
export type BulkUpdateResult = TicketBulkResultT;
export type Conversation = ConversationT;
export type ConversationDetail = ConversationWithMessagesT;
export type ConversationCreateBody = z.input<typeof ConversationCreate>;
export type Contact = ContactT;
export type ContactDetail = ContactWithActivityT;
export type ContactPatchBody = z.input<typeof ContactPatch>;
export type User = UserT;
export type UserCreateBody = z.input<typeof UserCreate>;
export type ApiKeyInfo = z.output<typeof ApiKey>;
export type ApiKeyCreated = z.output<typeof ApiKeyWithSecret>;
export type ApiKeyCreateBody = z.input<typeof ApiKeyCreate>;
export type Project = ProjectT;
export type ProjectCreateBody = z.input<typeof ProjectCreate>;
export type Tag = TagT;
export type TagCreateBody = z.input<typeof TagCreate>;
export type Macro = MacroT;
export type MacroCreateBody = z.input<typeof MacroCreate>;
export type SlaPolicy = SlaPolicyT;
export type AnalyticsSummary = AnalyticsSummaryT;
export type LiveEvent = EventT;
export type Scope = ScopeT;
export type Webhook = WebhookT;
export type WebhookCreated = WebhookWithSecretT;
export type WebhookCreateBody = z.input<typeof WebhookCreate>;
export type WebhookDelivery = DeliveryT;

export interface ListMeta {
  total: number;
  limit: number;
  offset: number;
}
