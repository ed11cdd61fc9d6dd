import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { Ticket } from '../../common/contract/tickets.ts';
import { ApplyMacro, Macro, MacroCreate, MacroListQuery, MacroPatch } from '../../common/contract/macros.ts';
import {
  applyMacro,
  createMacro,
  deleteMacro,
  getMacro,
  listMacros,
  updateMacro,
} from '../domain/macros/macros.service.ts';

const tag = 'Macros';

export const macroRoutes = [
  defineRoute({
    method: 'GET',
    path: '/macros',
    tag,
    summary: 'List macros (canned replies with ticket actions)',
    description: 'Any valid key may read macros. `sortBy=name` ignores case; ties are broken by id.',
    scope: 'any',
    query: MacroListQuery,
    response: z.array(Macro),
    list: true,
    handler: ({ ctx, query }) => listMacros(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/macros/:id',
    tag,
    summary: 'Get a macro',
    scope: 'any',
    response: Macro,
    handler: async ({ ctx, params }) => ({ data: await getMacro(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/macros',
    tag,
    summary: 'Create a macro',
    description:
      '`actions` defaults to `{}` (a reply only). A usr_ id in `actions.assignTo` must name an ' +
      'active user; `me` means whoever applies the macro.',
    scope: 'admin',
    body: MacroCreate,
    status: 201,
    response: Macro,
    handler: async ({ ctx, body }) => ({
      data: await createMacro(ctx, body),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/macros/:id',
    tag,
    summary: 'Change a macro',
    description: 'Only the given fields change; `actions`, when given, replaces the whole object.',
    scope: 'admin',
    body: MacroPatch,
    response: Macro,
    handler: async ({ ctx, params, body }) => ({
      data: await updateMacro(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/macros/:id',
    tag,
    summary: 'Delete a macro',
    description: 'Replies already posted with it stay as they are.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteMacro(ctx, params.id);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/apply-macro',
    tag: 'Tickets',
    summary: 'Apply a macro to a ticket',
    description:
      "Posts the macro's body, with its placeholders filled in (or `body`: the reply as the " +
      "agent edited it), as the calling agent's reply " +
      '(not internal; the first such reply sets `firstResponseAt`), then applies its actions. ' +
      'All or nothing: when any action fails (say the assignee has been deactivated since), the ' +
      'reply is not posted either. An unknown `macroId` is a 400; an unknown ticket a 404.',
    scope: 'tickets:write',
    body: ApplyMacro,
    response: Ticket,
    handler: async ({ ctx, deps, params, body }) => ({
      data: await applyMacro(ctx, params.id, body, 'macroId', deps.config),
    }),
  }),
];
