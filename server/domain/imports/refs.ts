// external_refs: which LocalDesk row each imported record became (migration 2026120630).
import type { Db, ExternalKind, ExternalRefRow, ImportSourceName } from '../../../db/schema.ts';

export type Ref = Pick<ExternalRefRow, 'local_id' | 'source_updated_at' | 'linked'>;

export async function findRef(db: Db, source: ImportSourceName, kind: ExternalKind, externalId: string): Promise<Ref | undefined> {
  return db
    .selectFrom('external_refs')
    .select(['local_id', 'source_updated_at', 'linked'])
    .where('source', '=', source)
    .where('kind', '=', kind)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

/** Records (or moves) the ref; `linked`: the row existed before the import, which leaves it alone. */
export async function saveRef(
  db: Db,
  ref: { source: ImportSourceName; kind: ExternalKind; externalId: string; localId: string; sourceUpdatedAt: string | null; linked: boolean },
): Promise<void> {
  const values = { local_id: ref.localId, source_updated_at: ref.sourceUpdatedAt, linked: ref.linked ? 1 : 0 };
  await db
    .insertInto('external_refs')
    .values({ source: ref.source, kind: ref.kind, external_id: ref.externalId, ...values })
    .onConflict((oc) => oc.columns(['source', 'kind', 'external_id']).doUpdateSet(values))
    .execute();
}
