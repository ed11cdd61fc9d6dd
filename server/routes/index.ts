import { eventRoutes } from '../events/events.routes.ts';
import type { RouteDef } from '../http/route.ts';
import { contactRoutes } from './contacts/contacts.routes.ts';
import { conversationRoutes } from './conversations/conversations.routes.ts';
import { ticketRoutes } from './tickets/tickets.routes.ts';
import { ticketActionRoutes } from './tickets/ticketActions.routes.ts';
import { userRoutes } from './users/users.routes.ts';
import { apiKeyRoutes } from './apiKeys/apiKeys.routes.ts';
import { projectRoutes } from './projects/projects.routes.ts';
import { tagRoutes } from './tags/tags.routes.ts';
import { macroRoutes } from './macros/macros.routes.ts';
import { slaRoutes } from './sla/sla.routes.ts';
import { analyticsRoutes } from './analytics/analytics.routes.ts';
import { webhookRoutes } from '../webhooks/webhooks.routes.ts';
import { workflowRoutes } from '../workflows/workflows.routes.ts';
import { dataRoutes } from '../data/data.routes.ts';
import { searchRoutes } from '../search/search.routes.ts';

/** Every authenticated /api/v1 route, in the order the OpenAPI document lists them. */
export const apiRoutes: RouteDef[] = [
  ...eventRoutes,
  ...ticketRoutes,
  ...ticketActionRoutes,
  ...conversationRoutes,
  ...contactRoutes,
  ...userRoutes,
  ...apiKeyRoutes,
  ...projectRoutes,
  ...tagRoutes,
  ...macroRoutes,
  ...slaRoutes,
  ...analyticsRoutes,
  ...searchRoutes,
  ...webhookRoutes,
  ...workflowRoutes,
  ...dataRoutes,
];
