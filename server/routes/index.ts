import type { RouteDef } from '../http/route.ts';
import { contactRoutes } from './contacts/contacts.routes.ts';
import { conversationRoutes } from './conversations/conversations.routes.ts';
import { ticketRoutes } from './tickets/tickets.routes.ts';
import { userRoutes } from './users/users.routes.ts';
import { apiKeyRoutes } from './apiKeys/apiKeys.routes.ts';

/** Every authenticated /api/v1 route, in the order the OpenAPI document lists them. */
export const apiRoutes: RouteDef[] = [
  ...ticketRoutes,
  ...conversationRoutes,
  ...contactRoutes,
  ...userRoutes,
  ...apiKeyRoutes,
];
