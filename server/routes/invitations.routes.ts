import { z } from 'zod';
import { SignedIn } from '../../common/contract/auth.ts';
import {
  Invitation,
  InvitationAccept,
  InvitationCreate,
  InvitationListQuery,
  InvitationWithUrl,
} from '../../common/contract/invitations.ts';
import {
  acceptInvitation,
  createInvitation,
  getInvitation,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../domain/invitations/invitations.service.ts';
import { defineRoute } from '../http/route.ts';
import { clientOf, setSessionCookie } from '../http/sessionCookie.ts';
import { teamBaseUrl } from '../http/teamUrl.ts';
import { sessionLifetime } from './auth.routes.ts';

const tag = 'Invitations';
const link =
  'The link is built on the URL teammates reach: the address the admin used, or, when the ' +
  'server is shared on the LAN and the admin browses it from the host itself, the first ' +
  'LOCALDESK_ALLOWED_HOSTS name, the bound address or the first LAN address. Its token comes ' +
  'after `#`, so it never reaches a server log; it is stored only as a hash and shown in this ' +
  'response alone (an Idempotency-Key replay returns `url: null`).';

export const invitationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/invitations',
    tag,
    summary: 'List invitations (newest first)',
    scope: 'admin',
    query: InvitationListQuery,
    response: z.array(Invitation),
    list: true,
    handler: ({ ctx, query }) => listInvitations(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/invitations/:id',
    tag,
    summary: 'Get an invitation',
    scope: 'admin',
    response: Invitation,
    handler: async ({ ctx, params }) => ({ data: await getInvitation(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/invitations',
    tag,
    summary: 'Invite a teammate by e-mail address, with a role',
    description:
      `Returns a one-time link, valid 7 days, for the invitee to choose a name and a password. ${link} ` +
      'An address that already signs in with a password, or has a pending invitation, is a 409.',
    scope: 'admin',
    body: InvitationCreate,
    status: 201,
    response: InvitationWithUrl,
    secretFields: ['url'],
    errors: ['CONFLICT'],
    handler: async ({ ctx, body, deps, http }) => ({
      data: await createInvitation(ctx, body, teamBaseUrl(http, deps.config)),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/invitations/:id/resend',
    tag,
    summary: 'Make a new link for an invitation (the old one stops working)',
    description: `A new token and 7 more days. ${link} An accepted or revoked invitation is a 409.`,
    scope: 'admin',
    response: InvitationWithUrl,
    secretFields: ['url'],
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, deps, http }) => ({
      data: await resendInvitation(ctx, params.id, teamBaseUrl(http, deps.config)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/invitations/:id',
    tag,
    summary: 'Revoke an invitation',
    description: 'Its link stops working. Revoking twice is fine; an accepted invitation is a 409.',
    scope: 'admin',
    status: 204,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params }) => {
      await revokeInvitation(ctx, params.id);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/invitations/accept',
    tag,
    summary: 'Accept an invitation: choose a name and a password, and be signed in',
    description:
      'No credential needed: the token from the link is the proof. Creates the user (or ' +
      'completes and activates the existing user with that address that has no password yet) ' +
      'with the invited role, and sets the session cookie as POST /auth/login does. An unknown ' +
      'or replaced token is a 404; a used, revoked or expired invitation a 409 ' +
      '(`details.status`). The password needs at least 10 characters and must not be one of ' +
      'the 10,000 commonest, nor the e-mail address or the name.',
    scope: 'none',
    body: InvitationAccept,
    response: SignedIn,
    idempotency: false,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body, deps, http }) => {
      const { user, session, token } = await acceptInvitation(ctx, body, clientOf(http), sessionLifetime(deps.config));
      setSessionCookie(http, token, Date.parse(session.expiresAt) - deps.clock.now().getTime());
      return { data: { user, session } };
    },
  }),
];
