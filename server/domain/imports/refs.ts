// external_refs: which LocalDesk row each imported record became (migration 2026120630). These
// run several times per imported ticket: compiled once (db/prepared.ts).
import { prepared } from '../../../db/prepared.ts';
import type { Db, ExternalKind, ExternalRefRow, ImportSourceName } from '../../../db/schema.ts';

export type Ref = Pick<ExternalRefRow, 'local_id' | 'source_updated_at' | 'linked'>;

const refOf = prepared((db: Db, source: ImportSourceName, kind: ExternalKind, externalId: string) =>
  db
    .selectFrom('external_refs')
    .select(['local_id', 'source_updated_at', 'linked'])
    .where('source', '=', source)
    .where('kind', '=', kind)
    .where('external_id', '=', externalId),
);

const upsertRef = prepared(
  (db: Db, source: ImportSourceName, kind: ExternalKind, externalId: string, localId: string, sourceUpdatedAt: string | null, linked: number) =>
    db
      .insertInto('external_refs')
      .values({ source, kind, external_id: externalId, local_id: localId, source_updated_at: sourceUpdatedAt, linked })
      .onConflict((oc) =>
        oc.columns(['source', 'kind', 'external_id']).doUpdateSet((eb) => ({
          local_id: eb.ref('excluded.local_id'),
          source_updated_at: eb.ref('excluded.source_updated_at'),
          linked: eb.ref('excluded.linked'),
        })),
      ),
);

export async function findRef(db: Db, source: ImportSourceName, kind: ExternalKind, externalId: string): Promise<Ref | undefined> {
  return (await refOf(db, source, kind, externalId))[0];
}

/** Records (or moves) the ref; `linked`: the row existed before the import, which leaves it alone. */
export async function saveRef(
  db: Db,
  ref: { source: ImportSourceName; kind: ExternalKind; externalId: string; localId: string; sourceUpdatedAt: string | null; linked: boolean },
): Promise<void> {
  await upsertRef(db, ref.source, ref.kind, ref.externalId, ref.localId, ref.sourceUpdatedAt, ref.linked ? 1 : 0);
}
