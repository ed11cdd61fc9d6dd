// The paired devices, as the sync feed needs them (pairing itself: server/domain/devices/).
import { sql } from 'kysely';
import type { Db } from '../../../db/schema.ts';
import type { Ctx } from '../context.ts';

/** Whether an API key is a live device's (a revoked device's key is revoked with it). */
export async function isDeviceKey(ctx: Ctx, keyId: string): Promise<boolean> {
  const { rows } = await sql`select 1 from devices where api_key_id = ${keyId} and revoked_at is null`.execute(ctx.db);
  return rows.length > 0;
}

export async function countLiveDevices(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from devices where revoked_at is null`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
