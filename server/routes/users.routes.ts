import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { OwnProfilePatch, User, UserCreate, UserListQuery, UserPatch } from '../../common/contract/users.ts';
import { createUser, getCurrentUser, getUser, listUsers, updateUser } from '../domain/users/users.service.ts';
import { PasswordChange, PasswordChanged } from '../../common/contract/auth.ts';
import { changePassword } from '../domain/auth/account.ts';
import { requireScope } from '../domain/auth/principal.ts';
import { endUserSessions } from '../domain/sessions/sessions.service.ts';
import { clearSessionCookie } from '../http/sessionCookie.ts';

const tag = 'Users';

// `/users/me` is declared before `/users/:id`: the router tries routes in order, so `me` is
// never taken for an id.
export const userRoutes = [
  defineRoute({
    method: 'GET',
    path: '/users',
    tag,
    summary: 'List users (agents)',
    description: 'Any valid key may read the team. Deactivated users are listed too (`active=false`).',
    scope: 'any',
    query: UserListQuery,
    response: z.array(User),
    list: true,
    handler: ({ ctx, query }) => listUsers(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/users/me',
    tag,
    summary: 'The user the calling key belongs to',
    scope: 'any',
    response: User,
    handler: async ({ ctx }) => ({ data: await getCurrentUser(ctx) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/users/me',
    tag,
    summary: 'Change my own name',
    description: 'Any credential may rename its own user (the profile page); everything else about a user is for admins (PATCH /users/:id).',
    scope: 'any',
    body: OwnProfilePatch,
    response: User,
    handler: async ({ ctx, body }) => ({ data: await updateUser(ctx, (await getCurrentUser(ctx)).id, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/users/:id',
    tag,
    summary: 'Get a user',
    scope: 'any',
    response: User,
    handler: async ({ ctx, params }) => ({ data: await getUser(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/users',
    tag,
    summary: 'Create a user',
    description: 'The user starts active; `role` defaults to `agent`. A taken email (in any case) is a 409.',
    scope: 'admin',
    body: UserCreate,
    status: 201,
    response: User,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body }) => ({
      data: await createUser(ctx, body),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/users/:id',
    tag,
    summary: 'Change, demote or deactivate a user',
    description:
      'Only the given fields change. Demoting or deactivating the last active admin is a 409 ' +
      '(nobody could administer the desk). Deactivating deletes nothing: tickets stay assigned, ' +
      "but the user's keys stop authenticating, their sessions end at once and no ticket can be " +
      'newly assigned to them. A ' +
      "demoted user's keys keep their other scopes, but `admin` grants nothing while the user " +
      'is not an admin.',
    scope: 'admin',
    body: UserPatch,
    response: User,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, body }) => ({
      data: await updateUser(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/users/:id/password',
    tag,
    summary: 'Change my password, or (admin) reset a user’s',
    description:
      'Your own: give `currentPassword` when you have one; your other sessions end, this one ' +
      "stays. An admin resetting another user's password ends all of that user's sessions. The " +
      'new password needs at least 10 characters and must not be one of the 10,000 commonest ' +
      'passwords, nor your e-mail address or name. Passwords are stored only as scrypt hashes ' +
      'and never returned.',
    scope: 'any',
    body: PasswordChange,
    response: PasswordChanged,
    handler: async ({ ctx, params, body }) => ({ data: await changePassword(ctx, params.id, body) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/users/:id/sessions',
    tag,
    summary: 'Sign a user out everywhere',
    description: "Ends every session of the user: your own (all of them, this one too), or, for an admin, anyone's.",
    scope: 'any',
    status: 204,
    handler: async ({ ctx, params, http }) => {
      if (params.id !== ctx.actor.userId) requireScope(ctx.actor, 'admin');
      await getUser(ctx, params.id);
      await endUserSessions(ctx, params.id, params.id === ctx.actor.userId ? 'signed out everywhere' : 'ended by an admin');
      if (params.id === ctx.actor.userId && ctx.actor.sessionId) clearSessionCookie(http);
      return { data: null };
    },
  }),
];
