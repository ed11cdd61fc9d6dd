import { Whoami } from '../../common/contract/auth.ts';
import { getCurrentUser } from '../domain/users/users.service.ts';
import { defineRoute } from '../http/route.ts';

const tag = 'Auth';

export const authRoutes = [
  defineRoute({
    method: 'GET',
    path: '/auth/me',
    tag,
    summary: 'Who is calling, and what it may do',
    description:
      'The user behind the credential, the scopes it grants (so a client can hide what it may ' +
      'not do instead of failing after the click), and the credential itself.',
    scope: 'any',
    response: Whoami,
    handler: async ({ ctx }) => ({
      data: {
        user: await getCurrentUser(ctx),
        scopes: [...ctx.actor.scopes],
        credential: { type: 'apiKey' as const, id: ctx.actor.id ?? '' },
      },
    }),
  }),
];
