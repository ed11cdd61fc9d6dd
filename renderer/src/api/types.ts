// The wire types of the API, derived from the server's own zod schemas: one source of truth.
// These are type-only imports, erased from the bundle; request bodies use the schemas' input
// side (defaults optional), responses their output side.
import type { z } from 'zod';
import type {
  ApiKey,
  ApiKeyCreate,
  ApiKeyWithSecret,
} from '../../../common/contract/apiKeys.ts';
import type { AnalyticsSummaryT } from '../../../common/contract/analytics.ts';
import type {
  ContactPatch,
  ContactT,
  ContactWithActivityT,
} from '../../../common/contract/contacts.ts';
import type {
  ConversationCreate,
  ConversationT,
  ConversationWithMessagesT,
} from '../../../common/contract/conversations.ts';
import type { MacroCreate, MacroT } from '../../../common/contract/macros.ts';
import type { ProjectCreate, ProjectT } from '../../../common/contract/projects.ts';
import type { SlaPolicyT } from '../../../common/contract/sla.ts';
import type { TagCreate, TagT } from '../../../common/contract/tags.ts';
import type {
  TicketBulkResultT,
  TicketBulkUpdate,
} from '../../../common/contract/ticketActions.ts';
import type {
  MessageCreate,
  MessageT,
  TicketCreate,
  TicketListQuery,
  TicketPatch,
  TicketT,
  TicketWithMessages,
} from '../../../common/contract/tickets.ts';
import type { UserCreate, UserT } from '../../../common/contract/users.ts';
import type { EventT } from '../../../server/domain/events/events.record.ts';
import type { Scope as ScopeT } from '../../../common/rules/scopes.ts';
import type {
  DeliveryT,
  WebhookCreate,
  WebhookT,
  WebhookWithSecretT,
} from '../../../common/contract/webhooks.ts';

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
