// What an import did, per kind of record and outcome, with the reasons for what it refused and
// skipped. One Tally per record while it is applied (thrown away if the record rolls back) and
// one per job that the records' tallies are added to when they commit.
import {
  type ImportCountsT,
  type ImportKind,
  type ImportOutcome,
  type ImportRefusalT,
  importKinds,
  importOutcomes,
} from '../../../common/contract/imports.ts';

/** Refusals kept with a job: enough to see the patterns, small enough for a row. */
export const maxRefusals = 100;

export function zeroCounts(): ImportCountsT {
  return Object.fromEntries(
    importKinds.map((k) => [k, Object.fromEntries(importOutcomes.map((o) => [o, 0]))]),
  ) as ImportCountsT;
}

/** A record the API would refuse, or that cannot be written: counted and listed, never fatal. */
export class Refused extends Error {
  constructor(
    readonly kind: ImportKind,
    readonly externalId: string | null,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'Refused';
  }
}

export class Tally {
  counts: ImportCountsT;
  refusals: ImportRefusalT[];
  refusalCount: number;
  skippedReasons: Record<string, number>;

  constructor(init?: { counts: ImportCountsT; refusals: ImportRefusalT[]; refusalCount: number; skippedReasons: Record<string, number> }) {
    this.counts = init ? structuredClone(init.counts) : zeroCounts();
    this.refusals = init ? [...init.refusals] : [];
    this.refusalCount = init?.refusalCount ?? 0;
    this.skippedReasons = init ? { ...init.skippedReasons } : {};
  }

  add(kind: ImportKind, outcome: ImportOutcome, n = 1): void {
    this.counts[kind][outcome] += n;
  }

  skip(kind: ImportKind, reason: string): void {
    this.add(kind, 'skipped');
    const key = `${kind}: ${reason}`;
    this.skippedReasons[key] = (this.skippedReasons[key] ?? 0) + 1;
  }

  refuse(kind: ImportKind, externalId: string | null, reason: string): void {
    this.add(kind, 'refused');
    this.refusalCount += 1;
    if (this.refusals.length < maxRefusals) this.refusals.push({ kind, externalId, reason });
  }

  merge(other: Tally): void {
    for (const kind of importKinds) for (const o of importOutcomes) this.counts[kind][o] += other.counts[kind][o];
    for (const r of other.refusals) if (this.refusals.length < maxRefusals) this.refusals.push(r);
    this.refusalCount += other.refusalCount;
    for (const [reason, n] of Object.entries(other.skippedReasons)) this.skippedReasons[reason] = (this.skippedReasons[reason] ?? 0) + n;
  }

  /** Tickets handled (for progress): whatever happened to them. */
  get tickets(): number {
    return importOutcomes.reduce((n, o) => n + this.counts.tickets[o], 0);
  }
}
