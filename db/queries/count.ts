import { type SelectQueryBuilder, sql } from 'kysely';

/** Counts the rows a filtered query matches: the `meta.total` of a list, same WHERE as its page. */
export async function countRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<number> {
  const row = await query
    .clearSelect()
    .select(sql<number>`count(*)`.as('total'))
    .executeTakeFirstOrThrow();
  return (row as { total: number }).total;
}
