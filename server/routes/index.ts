import { eventRoutes } from './events.routes.ts';
import type { RouteDef } from '../http/route.ts';
import { contactRoutes } from './contacts.routes.ts';
import { conversationRoutes } from './conversations.routes.ts';
import { ticketRoutes } from './tickets.routes.ts';
import { ticketActionRoutes } from './ticketActions.routes.ts';
import { userRoutes } from './users.routes.ts';
import { apiKeyRoutes } from './apiKeys.routes.ts';
import { syncRoutes } from './sync.routes.ts';
import { deviceRoutes } from './devices.routes.ts';
import { projectRoutes } from './projects.routes.ts';
import { tagRoutes } from './tags.routes.ts';
import { macroRoutes } from './macros.routes.ts';
import { slaRoutes } from './sla.routes.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { workflowRoutes } from './workflows.routes.ts';
import { dataRoutes } from './data.routes.ts';
import { searchRoutes } from './search.routes.ts';
import { viewRoutes } from './views.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { invitationRoutes } from './invitations.routes.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { presenceRoutes } from './presence.routes.ts';
import { attachmentRoutes } from './attachments.routes.ts';
import { importRoutes } from './imports.routes.ts';
import { mailboxRoutes } from './mailboxes.routes.ts';

/** Every authenticated /api/v1 route, in the order the OpenAPI document lists them. */
export const apiRoutes: RouteDef[] = [
  ...authRoutes,
  ...eventRoutes,
  ...ticketRoutes,
  ...ticketActionRoutes,
  ...viewRoutes,
  ...presenceRoutes,
  ...notificationRoutes,
  ...conversationRoutes,
  ...attachmentRoutes,
  ...contactRoutes,
  ...userRoutes,
  ...invitationRoutes,
  ...apiKeyRoutes,
  ...syncRoutes,
  ...deviceRoutes,
  ...projectRoutes,
  ...tagRoutes,
  ...macroRoutes,
  ...slaRoutes,
  ...analyticsRoutes,
  ...searchRoutes,
  ...webhookRoutes,
  ...workflowRoutes,
  ...mailboxRoutes,
  ...dataRoutes,
  ...importRoutes,
];
