// Wire types the renderer needs beyond types.ts, written out by hand from the contract until
// they join the shared contract module: workflows, saved views, and events' acting user.
import type { LiveEvent, Scope, Ticket, User } from './types.ts';

export type Status = Ticket['status'];
export type Priority = Ticket['priority'];

export type WorkflowConditionOp = 'eq' | 'neq' | 'in' | 'contains';
export interface WorkflowCondition {
  field: string;
  op: WorkflowConditionOp;
  value: unknown;
}

export type WorkflowAction =
  | { type: 'set_status'; value: Status }
  | { type: 'set_priority'; value: Priority }
  | { type: 'assign'; value: string | null }
  | { type: 'add_tag'; value: string }
  | { type: 'set_project'; value: string | null }
  | { type: 'apply_macro'; value: string };

export interface Workflow {
  id: string;
  name: string;
  trigger: string;
  conditions: WorkflowCondition[];
  actions: WorkflowAction[];
  active: boolean;
  runCount: number;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowBody {
  name: string;
  trigger: string;
  conditions: WorkflowCondition[];
  actions: WorkflowAction[];
  active?: boolean;
}

/** GET /tickets?sla=: breached now, or due within the next two hours. */
export type SlaFilter = 'breached' | 'due-soon';

export interface SavedViewFilters {
  status?: Status[];
  priority?: Priority[];
  assignedTo?: 'me' | 'none' | (string & {});
  projectId?: string;
  tag?: string;
  search?: string;
  sla?: SlaFilter;
}

export type SortField = 'createdAt' | 'updatedAt' | 'priority' | 'status';

/** A saved inbox view (GET/POST /views), per user. */
export interface SavedView {
  id: string;
  name: string;
  filters: SavedViewFilters;
  sortBy: SortField;
  sortOrder: 'asc' | 'desc';
  createdAt: string;
  updatedAt: string;
}

/** An event as the feed serves it; `actor.userId` is the user the change was made for (null: system, workflow). */
export type FeedEvent = LiveEvent;

/** GET /tickets parameters, as sent. Comma lists for status and priority. */
export interface TicketQuery {
  status?: string;
  priority?: string;
  assignedTo?: string;
  projectId?: string;
  tag?: string;
  contactId?: string;
  search?: string;
  sla?: SlaFilter;
  sortBy?: SortField;
  sortOrder?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** GET /auth/me: the caller's user and the scopes in force (admin only while the user is an admin). */
export interface Whoami {
  user: User;
  scopes: Scope[] | null;
}
