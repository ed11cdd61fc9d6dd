// The sync routes' rules: who may read the host's change log, and what a host and a replica
// answer about themselves.
import type { SyncPullInput } from '../../../common/contract/syncFeed.ts';
import type { SyncStatusT } from '../../../common/contract/sync.ts';
import { hasScope } from '../../../common/rules/scopes.ts';
import { AppError, badRequest } from '../../core/errors.ts';
import type { ReplicaHandle } from '../../deps.ts';
import type { Ctx } from '../context.ts';
import { type ChangesPage, type KeyRef, type TableChecksums, checksumTables, hostChecksums, readChanges, syncCursor } from './host.ts';
import { dismissRefused, replicaCursor } from './replicaStore.ts';
import { syncTable } from './tables.ts';
import { countLiveDevices, requireDevice } from '../devices/devices.service.ts';

/**
 * The change log holds every replicated row, password and key hashes included: only a paired
 * device, or an admin (who may export all of it anyway), reads it, and only from a host.
 */
export async function assertHostReader(ctx: Ctx, replica: ReplicaHandle | null): Promise<void> {
  if (replica) {
    throw new AppError('UNAVAILABLE', `this install is a replica of ${replica.host}: pair with the team host instead`);
  }
  if (hasScope(ctx.actor.scopes, 'admin')) return;
  await requireDevice(ctx);
}

export async function syncStatus(ctx: Ctx, replica: ReplicaHandle | null): Promise<SyncStatusT> {
  if (replica) return replica.status();
  return { role: 'host', devices: await countLiveDevices(ctx.db) };
}

export async function pullChanges(ctx: Ctx, replica: ReplicaHandle | null, input: SyncPullInput): Promise<ChangesPage> {
  await assertHostReader(ctx, replica);
  const keys: KeyRef[] = [];
  for (const [i, ref] of input.keys.entries()) {
    if (!syncTable(ref.table)) {
      throw badRequest(`invalid body: keys.${i}.table: ${ref.table} is not a replicated table`, [
        { path: `keys.${i}.table`, message: `${ref.table} is not a replicated table` },
      ]);
    }
    keys.push(ref as KeyRef);
  }
  const top = await syncCursor(ctx.db);
  if (input.after > top) {
    throw new AppError(
      'CONFLICT',
      `cursor ${input.after} is beyond this host's change log (${top}): the host was restored or replaced; take a fresh snapshot`,
    );
  }
  return readChanges(ctx.db, input.after, input.limit, keys);
}

export async function readChecksums(ctx: Ctx, replica: ReplicaHandle | null): Promise<TableChecksums> {
  if (replica) {
    if (!hasScope(ctx.actor.scopes, 'admin')) throw new AppError('FORBIDDEN', 'this needs the admin scope');
    return { cursor: await replicaCursor(ctx.db), tables: await checksumTables(ctx.db) };
  }
  await assertHostReader(ctx, replica);
  return hostChecksums(ctx.db);
}

export async function dismissChange(ctx: Ctx, replica: ReplicaHandle | null, id: string): Promise<void> {
  if (!replica) throw new AppError('NOT_FOUND', 'a host has no queue of writes: this is for replicas');
  await dismissRefused(ctx.db, id);
}
