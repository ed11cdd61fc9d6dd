// Devices (issue 17, team sync): another install pairs with this host by exchanging a one-time
// code an admin made for a user; it gets an API key of that user and a row here, listed and
// revocable by admins. Revoking a device revokes its key in the same transaction. The sync
// routes ask `requireDevice` whether the caller is a live device.
import { sql } from 'kysely';
import type { ListPage } from '../../../common/contract/base.ts';
import type {
  DeviceListParams,
  DeviceT,
  PairRequestInput,
  PairedT,
  PairingCodeCreateInput,
  PairingCodeT,
} from '../../../common/contract/devices.ts';
import { isPairingCodeShape, normalisePairingCode } from '../../../common/rules/pairing.ts';
import { roleScopes } from '../../../common/rules/scopes.ts';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, DeviceRow } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, invalidField, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { createApiKey, revokeApiKey } from '../apiKeys/apiKeys.service.ts';
import { type Ctx, inTransaction, userActor } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { generatePairingCode, hashPairingCode } from './pairingCodes.ts';

/** One answer for a wrong, used or expired code: a guesser learns nothing from it. */
export const invalidCodeMessage = 'the pairing code is not valid: it is unknown, already used or expired';
/**
 * Requests per minute for a device's key: a replica back from a day offline pushes its whole
 * queue and pulls the day's changes in pages, far beyond the default meant for integrations.
 */
export const deviceRateLimit = 6000;

const notADevice = 'only a paired device may use the sync feed: pair it with POST /sync/pair';

/** A device row with its key's revocation: a key revoked on its own also ends the device. */
interface DeviceView extends DeviceRow {
  key_revoked_at: string | null;
}

export function presentDevice(row: DeviceView): DeviceT {
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at ?? row.key_revoked_at,
  };
}

function devicesWithKeys(db: Db) {
  return db
    .selectFrom('devices as d')
    .innerJoin('api_keys as k', 'k.id', 'd.api_key_id')
    .selectAll('d')
    .select('k.revoked_at as key_revoked_at');
}

async function findDevice(ctx: Ctx, id: string): Promise<DeviceView> {
  const row = await devicesWithKeys(ctx.db).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('device', id);
  return row;
}

/** Makes a one-time code for `userId` (default: the caller's user), who must be active. */
export async function createPairingCode(ctx: Ctx, input: PairingCodeCreateInput): Promise<PairingCodeT> {
  const userId = input.userId ?? ctx.actor.userId;
  if (!userId) throw invalidField('userId', 'give the user the device will act as');
  const user = await ctx.db.selectFrom('users').select(['id', 'active']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw invalidField('userId', `no user ${userId}`);
  if (!user.active) throw invalidField('userId', `user ${userId} is deactivated`);
  const now = ctx.clock.now().getTime();
  const expiresAt = new Date(now + input.ttlMinutes * 60_000).toISOString();
  const { code, codeHash } = generatePairingCode();
  // Codes are worth nothing once expired: each new one sweeps those a day past their expiry.
  await ctx.db
    .deleteFrom('pairing_codes')
    .where('expires_at', '<', new Date(now - 86_400_000).toISOString())
    .execute();
  await ctx.db
    .insertInto('pairing_codes')
    .values({
      id: newId('pairingCode', ctx.clock),
      code_hash: codeHash,
      user_id: userId,
      created_by: ctx.actor.userId,
      created_at: nowIso(ctx.clock),
      expires_at: expiresAt,
      used_at: null,
      device_id: null,
    })
    .execute();
  return { code, expiresAt, userId };
}

/**
 * Exchanges a code for a device and its API key. The code is consumed by one conditional
 * UPDATE, so of two installs racing with one code exactly one wins; the key, the device and the
 * code's use commit together or not at all (a failure leaves the code usable).
 */
export async function pairDevice(ctx: Ctx, input: PairRequestInput): Promise<PairedT> {
  const normalised = normalisePairingCode(input.code);
  if (!isPairingCodeShape(normalised)) throw new AppError('FORBIDDEN', invalidCodeMessage);
  const codeHash = hashPairingCode(normalised);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx.clock);
    const used = await tx.db
      .updateTable('pairing_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (used.numUpdatedRows !== 1n) throw new AppError('FORBIDDEN', invalidCodeMessage);
    const code = await tx.db
      .selectFrom('pairing_codes as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.id', 'u.id as user_id', 'u.role', 'u.active'])
      .where('c.code_hash', '=', codeHash)
      .executeTakeFirstOrThrow();
    // Deactivated since the code was made: refused, and the rollback leaves the code unused.
    if (!code.active) throw new AppError('FORBIDDEN', "this pairing code's user is deactivated: ask an admin for a new code");
    const asUser: Ctx = { ...tx, actor: userActor({ id: code.user_id, role: code.role }) };
    const apiKey = await createApiKey(asUser, {
      name: `Device: ${input.name}`,
      scopes: roleScopes(code.role),
      userId: code.user_id,
      rateLimitPerMinute: deviceRateLimit,
    });
    const row: DeviceRow = {
      id: newId('device', tx.clock),
      name: input.name,
      user_id: code.user_id,
      api_key_id: apiKey.id,
      created_at: now,
      last_seen_at: null,
      revoked_at: null,
    };
    await tx.db.insertInto('devices').values(row).execute();
    await tx.db.updateTable('pairing_codes').set({ device_id: row.id }).where('id', '=', code.id).execute();
    const device = presentDevice({ ...row, key_revoked_at: null });
    await recordEvent(asUser, { type: 'device.paired', resourceType: 'device', resourceId: row.id, data: { device } });
    return { device, key: apiKey.key, userId: code.user_id };
  });
}

/** Live devices first, then revoked ones; newest first within each unless `sortOrder=asc`. */
export async function listDevices(ctx: Ctx, params: DeviceListParams): Promise<ListPage<DeviceT>> {
  const revokedAt = sql<string | null>`coalesce(d.revoked_at, k.revoked_at)`;
  let where = devicesWithKeys(ctx.db);
  if (params.revoked !== undefined) where = where.where(revokedAt, params.revoked ? 'is not' : 'is', null);
  const total = await countRows(where);
  const rows = await where
    .orderBy(sql`case when ${revokedAt} is null then 0 else 1 end`)
    .orderBy('d.created_at', params.sortOrder)
    .orderBy('d.id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentDevice), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getDevice(ctx: Ctx, id: string): Promise<DeviceT> {
  return presentDevice(await findDevice(ctx, id));
}

/**
 * Revokes a device and its key together: the key stops authenticating at once. Revoking again
 * changes nothing (the first revokedAt stays, no second event), so a retried DELETE is harmless.
 */
export async function revokeDevice(ctx: Ctx, id: string): Promise<DeviceT> {
  return inTransaction(ctx, async (tx) => {
    const result = await tx.db
      .updateTable('devices')
      .set({ revoked_at: nowIso(tx.clock) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = await findDevice(tx, id);
    if (result.numUpdatedRows > 0n) {
      await revokeApiKey(tx, row.api_key_id);
      const device = presentDevice(row);
      await recordEvent(tx, { type: 'device.revoked', resourceType: 'device', resourceId: id, data: { device } });
      return device;
    }
    return presentDevice(row);
  });
}

/**
 * The live device whose API key the caller presented, for the sync routes; 403 for any other
 * caller (a person's key, a session, a revoked device). Notes its use at most once a minute,
 * decided by the stored time, so several server processes agree.
 */
export async function requireDevice(ctx: Ctx): Promise<DeviceRow> {
  const { actor } = ctx;
  if (actor.type !== 'apiKey' || !actor.id) throw new AppError('FORBIDDEN', notADevice);
  const row = await ctx.db
    .selectFrom('devices')
    .selectAll()
    .where('api_key_id', '=', actor.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('FORBIDDEN', notADevice);
  const now = ctx.clock.now().getTime();
  if (row.last_seen_at === null || now - Date.parse(row.last_seen_at) >= 60_000) {
    const seen = new Date(now).toISOString();
    await ctx.db.updateTable('devices').set({ last_seen_at: seen }).where('id', '=', row.id).execute();
    return { ...row, last_seen_at: seen };
  }
  return row;
}

/** Devices that may still sync (for GET /sync/status on the host). */
export async function countLiveDevices(db: Db): Promise<number> {
  const row = await db
    .selectFrom('devices as d')
    .innerJoin('api_keys as k', 'k.id', 'd.api_key_id')
    .select(sql<number>`count(*)`.as('total'))
    .where('d.revoked_at', 'is', null)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
