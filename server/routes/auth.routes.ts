import { z } from 'zod';
import { LoginBody, Session, SessionListQuery, SignedIn, Whoami } from '../../common/contract/auth.ts';
import type { Config } from '../core/config.ts';
import { login } from '../domain/auth/login.ts';
import { endSession, listSessions, signOut } from '../domain/sessions/sessions.service.ts';
import { getCurrentUser } from '../domain/users/users.service.ts';
import { defineRoute } from '../http/route.ts';
import { clearSessionCookie, clientOf, readSessionCookie, setSessionCookie } from '../http/sessionCookie.ts';

const tag = 'Auth';

export const sessionLifetime = (config: Config) => ({ idleHours: config.sessionIdleHours, maxDays: config.sessionMaxDays });

const cookie =
  'Sets the session cookie `ldk_session` (HttpOnly; SameSite=Strict; Path=/; Secure over HTTPS), ' +
  'which then authenticates every /api/v1 request from this browser with the scopes of the ' +
  "user's role. It ends after 12 h without use or 30 days after sign-in (configurable), at " +
  'sign-out, or when the user is deactivated or has their password reset.';

export const authRoutes = [
  defineRoute({
    method: 'GET',
    path: '/auth/me',
    tag,
    summary: 'Who is calling, and what it may do',
    description:
      'The user behind the credential, the scopes it grants (so a client can hide what it may ' +
      'not do instead of failing after the click), and the credential itself: an API key or a ' +
      'session.',
    scope: 'any',
    response: Whoami,
    handler: async ({ ctx }) => ({
      data: {
        user: await getCurrentUser(ctx),
        scopes: [...ctx.actor.scopes],
        credential: ctx.actor.sessionId
          ? { type: 'session' as const, id: ctx.actor.sessionId }
          : { type: 'apiKey' as const, id: ctx.actor.id ?? '' },
      },
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/login',
    tag,
    summary: 'Sign in with e-mail and password',
    description:
      `${cookie} A wrong address, a wrong password, a user with no password and a deactivated ` +
      'user all get the same 401. After 5 failures in 15 minutes for the same address, or from ' +
      'the same client, further attempts get 429 with Retry-After until the oldest of them is ' +
      '15 minutes old. Failures are recorded as `auth.login_failed` events, sign-ins as ' +
      '`auth.session_created` (never with the password).',
    scope: 'none',
    body: LoginBody,
    response: SignedIn,
    idempotency: false,
    handler: async ({ ctx, body, deps, http }) => {
      const { user, session, token } = await login(ctx, body, clientOf(http), sessionLifetime(deps.config));
      setSessionCookie(http, token, Date.parse(session.expiresAt) - deps.clock.now().getTime());
      return { data: { user, session } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/logout',
    tag,
    summary: 'Sign out: end this browser’s session',
    description:
      'Ends the session of the cookie sent (if it is still alive) and clears the cookie. Always ' +
      '204, so signing out twice, or with an expired session, is not an error.',
    scope: 'none',
    status: 204,
    idempotency: false,
    handler: async ({ ctx, http }) => {
      const token = readSessionCookie(http);
      if (token) await signOut(ctx, token);
      clearSessionCookie(http);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/auth/sessions',
    tag,
    summary: 'My signed-in sessions (browser, address, last seen)',
    description:
      "Live sessions only, newest first; `current` marks the one this request came with. An admin may pass `userId` to see another user's.",
    scope: 'any',
    query: SessionListQuery,
    response: z.array(Session),
    list: true,
    handler: ({ ctx, query, deps }) => listSessions(ctx, query, deps.config.sessionIdleHours),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/auth/sessions/:id',
    tag,
    summary: 'End a session',
    description:
      "One of your own sessions (sign out another device), or, for an admin, anyone's. Another " +
      "user's session is a 404 to a non-admin. Ending the current one also clears its cookie.",
    scope: 'any',
    status: 204,
    handler: async ({ ctx, params, http }) => {
      await endSession(ctx, params.id);
      if (params.id === ctx.actor.sessionId) clearSessionCookie(http);
      return { data: null };
    },
  }),
];
