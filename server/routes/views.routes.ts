import { z } from 'zod';
import { View, ViewCreate, ViewListQuery, ViewPatch } from '../../common/contract/views.ts';
import { createView, deleteView, getView, listViews, updateView } from '../domain/views/views.service.ts';
import { defineRoute } from '../http/route.ts';

const tag = 'Saved views';
const mine =
  'Views belong to the user of the calling key (or session): each agent has their own, and ' +
  "another user's view is a 404.";

export const viewRoutes = [
  defineRoute({
    method: 'GET',
    path: '/views',
    tag,
    summary: 'List my saved inbox views (oldest first)',
    description: mine,
    scope: 'tickets:read',
    query: ViewListQuery,
    response: z.array(View),
    list: true,
    handler: ({ ctx, query }) => listViews(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/views/:id',
    tag,
    summary: 'Get one of my saved views',
    scope: 'tickets:read',
    response: View,
    handler: async ({ ctx, params }) => ({ data: await getView(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/views',
    tag,
    summary: 'Save the current ticket filters as a named view',
    description: `${mine} \`filters\` take the GET /tickets filters, lists as arrays; \`assignedTo: "me"\` means whoever opens the view. A name already used by one of your views (in any case) is a 409.`,
    scope: 'tickets:read',
    body: ViewCreate,
    status: 201,
    response: View,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body }) => ({ data: await createView(ctx, body) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/views/:id',
    tag,
    summary: 'Rename a saved view or change what it shows',
    scope: 'tickets:read',
    body: ViewPatch,
    response: View,
    errors: ['CONFLICT', 'PRECONDITION_FAILED'],
    handler: async ({ ctx, params, body }) => ({ data: await updateView(ctx, params.id, body) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/views/:id',
    tag,
    summary: 'Delete a saved view',
    scope: 'tickets:read',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteView(ctx, params.id);
      return { data: null };
    },
  }),
];
