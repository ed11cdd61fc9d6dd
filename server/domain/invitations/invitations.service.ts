// Invitations: an admin invites an e-mail address with a role; the invitee opens a one-time link
// (a random 256-bit token, stored only as a hash, valid 7 days), chooses a name and a password
// and is signed in. Resending makes a new token (the old link dies); revoking kills the link.
// Accepting creates the user, or completes an existing one that has no password yet (made with
// POST /users, or deactivated) and activates it with the invited role.
import type { ListPage } from '../../../common/contract/base.ts';
import type {
  InvitationAcceptInput,
  InvitationCreateInput,
  InvitationListParams,
  InvitationT,
  InvitationWithUrlT,
} from '../../../common/contract/invitations.ts';
import type { InvitationRow } from '../../../db/schema.ts';
import { countRows } from '../../../db/queries/count.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, conflict, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { storePasswordHash } from '../auth/account.ts';
import type { SignedInResult } from '../auth/login.ts';
import { assertAcceptablePassword, hashPassword } from '../auth/passwords.ts';
import { generateToken, hashToken, tokenPattern } from '../auth/tokens.ts';
import { type Ctx, inTransaction, userActor } from '../context.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { type ClientInfo, type SessionLifetime, createSession } from '../sessions/sessions.service.ts';
import { createUser, getUser, presentUser } from '../users/users.service.ts';

export const invitationDays = 7;

export function invitationStatus(row: InvitationRow, now: string): InvitationT['status'] {
  if (row.accepted_at) return 'accepted';
  if (row.revoked_at) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

export function presentInvitation(row: InvitationRow, now: string): InvitationT {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: invitationStatus(row, now),
    invitedBy: row.invited_by,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  };
}

/** The link for a token: on the URL teammates reach; the token after `#` never reaches a log. */
export function invitationUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/accept-invite#token=${token}`;
}

function expiry(ctx: Ctx): string {
  return new Date(ctx.clock.now().getTime() + invitationDays * 86_400_000).toISOString();
}

async function findRow(ctx: Ctx, id: string): Promise<InvitationRow> {
  const row = await ctx.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('invitation', id);
  return row;
}

/** A user who can already sign in cannot be invited (reset their password instead). */
async function assertNotMember(ctx: Ctx, email: string): Promise<void> {
  const member = await ctx.db
    .selectFrom('users as u')
    .innerJoin('user_passwords as p', 'p.user_id', 'u.id')
    .select('u.id')
    .where('u.email', '=', email)
    .where('u.active', '=', 1)
    .executeTakeFirst();
  if (member) {
    throw conflict(`${email} already has an account; reset their password instead`, { userId: member.id });
  }
}

export async function createInvitation(
  ctx: Ctx,
  input: InvitationCreateInput,
  baseUrl: string,
): Promise<InvitationWithUrlT> {
  const token = generateToken();
  const now = nowIso(ctx.clock);
  const row: InvitationRow = {
    id: newId('invitation', ctx.clock),
    email: input.email,
    role: input.role,
    token_hash: hashToken(token),
    invited_by: ctx.actor.userId,
    user_id: null,
    created_at: now,
    updated_at: now,
    expires_at: expiry(ctx),
    accepted_at: null,
    revoked_at: null,
  };
  await inTransaction(ctx, async (tx) => {
    await assertNotMember(tx, input.email);
    const pending = await tx.db
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', input.email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (pending) {
      throw conflict(`${input.email} already has a pending invitation; resend or revoke it`, {
        invitationId: pending.id,
      });
    }
    await tx.db.insertInto('invitations').values(row).execute();
    await recordEvent(tx, {
      type: 'invitation.created',
      resourceType: 'invitation',
      resourceId: row.id,
      data: { invitation: presentInvitation(row, now) },
    });
  });
  return { ...presentInvitation(row, now), url: invitationUrl(baseUrl, token) };
}

export async function listInvitations(ctx: Ctx, params: InvitationListParams): Promise<ListPage<InvitationT>> {
  const now = nowIso(ctx.clock);
  let where = ctx.db.selectFrom('invitations');
  if (params.status) {
    const wanted = params.status;
    where = where.where((eb) =>
      eb.or(
        wanted.map((status) => {
          if (status === 'accepted') return eb('accepted_at', 'is not', null);
          if (status === 'revoked') return eb.and([eb('accepted_at', 'is', null), eb('revoked_at', 'is not', null)]);
          const open = [eb('accepted_at', 'is', null), eb('revoked_at', 'is', null)];
          return eb.and([...open, status === 'expired' ? eb('expires_at', '<=', now) : eb('expires_at', '>', now)]);
        }),
      ),
    );
  }
  const total = await countRows(where);
  const rows = await where
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map((r) => presentInvitation(r, now)), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getInvitation(ctx: Ctx, id: string): Promise<InvitationT> {
  return presentInvitation(await findRow(ctx, id), nowIso(ctx.clock));
}

/** Only a link nobody has used can be resent or revoked. */
function assertOpen(row: InvitationRow, action: string): void {
  if (row.accepted_at) throw conflict(`invitation ${row.id} has been accepted; there is nothing to ${action}`, { status: 'accepted' });
  if (row.revoked_at) throw conflict(`invitation ${row.id} has been revoked; invite again instead`, { status: 'revoked' });
}

/** A new token and 7 more days; the link sent before stops working. */
export async function resendInvitation(ctx: Ctx, id: string, baseUrl: string): Promise<InvitationWithUrlT> {
  const token = generateToken();
  const now = nowIso(ctx.clock);
  const row = await inTransaction(ctx, async (tx) => {
    const current = await findRow(tx, id);
    assertOpen(current, 'resend');
    await assertNotMember(tx, current.email);
    const changes = { token_hash: hashToken(token), expires_at: expiry(tx), updated_at: now };
    await tx.db.updateTable('invitations').set(changes).where('id', '=', id).execute();
    const next = { ...current, ...changes };
    await recordEvent(tx, {
      type: 'invitation.resent',
      resourceType: 'invitation',
      resourceId: id,
      data: { invitation: presentInvitation(next, now) },
    });
    return next;
  });
  return { ...presentInvitation(row, now), url: invitationUrl(baseUrl, token) };
}

/** Kills the link. Revoking a revoked invitation changes nothing; an accepted one is a 409. */
export async function revokeInvitation(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const current = await findRow(tx, id);
    if (current.revoked_at) return;
    if (current.accepted_at) throw conflict(`invitation ${id} has been accepted; deactivate the user instead`, { status: 'accepted' });
    const now = nowIso(tx.clock);
    await tx.db.updateTable('invitations').set({ revoked_at: now, updated_at: now }).where('id', '=', id).execute();
    await recordEvent(tx, {
      type: 'invitation.revoked',
      resourceType: 'invitation',
      resourceId: id,
      data: { invitation: presentInvitation({ ...current, revoked_at: now, updated_at: now }, now) },
    });
  });
}

const invalidLink = 'this invitation link is not valid (a newer link may have replaced it): ask for a new one';

/** The invitee's side: name and password in, a user and a signed-in session out. */
export async function acceptInvitation(
  ctx: Ctx,
  input: InvitationAcceptInput,
  client: ClientInfo,
  lifetime: SessionLifetime,
): Promise<SignedInResult> {
  if (!tokenPattern.test(input.token)) throw new AppError('NOT_FOUND', invalidLink);
  const tokenHash = hashToken(input.token);
  const found = await ctx.db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!found) throw new AppError('NOT_FOUND', invalidLink);
  const refuse = (row: InvitationRow) => {
    const status = invitationStatus(row, nowIso(ctx.clock));
    if (status === 'accepted') throw conflict('this invitation has already been used: sign in instead', { status });
    if (status === 'revoked') throw conflict('this invitation has been revoked: ask for a new one', { status });
    if (status === 'expired') throw conflict('this invitation has expired: ask for a new one', { status });
  };
  refuse(found);
  assertAcceptablePassword(input.password, { email: found.email, name: input.name });
  const hash = await hashPassword(input.password); // before the transaction: it takes a while

  return inTransaction(ctx, async (tx) => {
    // Checked again inside the transaction: two tabs accepting at once make one user.
    const row = await tx.db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', invalidLink);
    refuse(row);
    await assertNotMember(tx, row.email);
    const now = nowIso(tx.clock);
    const existing = await tx.db.selectFrom('users').selectAll().where('email', '=', row.email).executeTakeFirst();
    let userId: string;
    if (existing) {
      userId = existing.id;
      await tx.db
        .updateTable('users')
        .set({ name: input.name, role: row.role, active: 1, updated_at: now })
        .where('id', '=', userId)
        .execute();
      const after = await getUser(tx, userId);
      await recordUpdated(tx, { resourceType: 'user', resourceId: userId, key: 'user', before: presentUser(existing), after });
    } else {
      userId = (await createUser(tx, { name: input.name, email: row.email, role: row.role })).id;
    }
    await storePasswordHash(tx.db, userId, hash, now);
    await tx.db.updateTable('invitations').set({ accepted_at: now, user_id: userId, updated_at: now }).where('id', '=', row.id).execute();
    const userRow = await tx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    const user = presentUser(userRow);
    const asUser: Ctx = { ...tx, actor: userActor(user) };
    await recordEvent(asUser, {
      type: 'invitation.accepted',
      resourceType: 'invitation',
      resourceId: row.id,
      data: { invitation: presentInvitation({ ...row, accepted_at: now, user_id: userId, updated_at: now }, now) },
    });
    const session = await createSession(asUser, userId, client, lifetime);
    return { ...session, user };
  });
}
