import type { RouteDef } from '../http/route.ts';
import { ticketRoutes } from './tickets/tickets.routes.ts';

/** Every authenticated /api/v1 route, in the order the OpenAPI document lists them. */
export const apiRoutes: RouteDef[] = [...ticketRoutes];
