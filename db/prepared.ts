import type { Compilable, CompiledQuery, DialectAdapter, Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** Stands for the i-th argument while the query is built. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  query: CompiledQuery;
  /** For each parameter of the compiled query: the argument it takes, or -1 for a constant. */
  slots: number[];
}

/**
 * A query that Kysely builds and compiles once per dialect, then runs with new values. For a
 * point lookup, building and compiling the query costs more than SQLite's own work (PERF-NOTES;
 * measured on GET /tickets/:id). `build` receives one stand-in per argument and may use each
 * only where Kysely takes a value (`where(col, '=', arg)`, `sql\`${arg}\``), never inside an
 * `in` list or as a literal; a stand-in that did not become a parameter fails loudly.
 */
export function prepared<Args extends unknown[], Row>(
  build: (db: Db, ...args: Args) => Compilable<Row>,
): (db: Db, ...args: Args) => Promise<Row[]> {
  const templates = new WeakMap<DialectAdapter, Template>();
  const templateFor = (db: Db, arity: number): Template => {
    // A transaction has its own Kysely object but shares the dialect's adapter.
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      const standIns = Array.from({ length: arity }, (_, i) => new Slot(i));
      const query = build(db, ...(standIns as Args)).compile();
      const slots = query.parameters.map((p) => (p instanceof Slot ? p.index : -1));
      for (let i = 0; i < arity; i++) {
        if (!slots.includes(i)) throw new Error(`prepared query: argument ${i} is not a parameter of ${query.sql}`);
      }
      template = { query, slots };
      templates.set(adapter, template);
    }
    return template;
  };
  return async (db, ...args) => {
    const { query, slots } = templateFor(db, args.length);
    const parameters = slots.map((slot, i) => (slot < 0 ? query.parameters[i] : args[slot]));
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}
