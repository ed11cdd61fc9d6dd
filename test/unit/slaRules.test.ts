// The SLA rule exists twice on purpose: in TypeScript (common/rules/sla.ts, for the UI and the
// desktop) and in SQL (server/domain/sla/sla.sql.ts, for reads and filters over many tickets).
// This checks they say the same thing for every combination that matters.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type SlaClock, slaState } from '../../common/rules/sla.ts';
import { ticketStatuses } from '../../common/rules/tickets.ts';
import { slaBreachedSql, slaDueSoonSql } from '../../server/domain/sla/sla.sql.ts';

const sqlite = new Database(':memory:');
// Only the columns the rules read; the alias `t` matches what the reads use.
const db = new Kysely<{ t: Record<string, string | null> }>({ dialect: new SqliteDialect({ database: sqlite }) });
afterAll(() => db.destroy());

const now = Date.parse('2026-06-01T12:00:00.000Z');
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
const times = [-600, -90, -1, 1, 60, 119, 121, 600];

function* cases(): Generator<SlaClock> {
  for (const status of ticketStatuses)
    for (const firstDue of [-60, 30, 90, 600])
      for (const resolutionDue of [-30, 60, 115, 130, 900])
        for (const firstResponse of [null, ...times])
          for (const resolved of isDoneStatus(status) ? times : [null]) {
            yield {
              status,
              firstResponseAt: firstResponse === null ? null : at(firstResponse),
              resolvedAt: resolved === null ? null : at(resolved),
              sla: { firstResponseDueAt: at(firstDue), resolutionDueAt: at(resolutionDue) },
            };
          }
}

function isDoneStatus(status: string) {
  return status === 'resolved' || status === 'closed';
}

describe('SLA rules: TypeScript and SQL agree', () => {
  it('on breached and due-soon for every combination of status, replies, resolution and due times', async () => {
    const all = [...cases()];
    const nowIso = new Date(now).toISOString();
    const mismatches: string[] = [];
    for (const c of all) {
      const row = await sql<{ breached: number; soon: number }>`select
          ${slaBreachedSql('t', nowIso)} as breached, ${slaDueSoonSql('t', nowIso)} as soon
        from (select ${c.status} as status, ${c.firstResponseAt} as first_response_at,
          ${c.resolvedAt} as resolved_at, ${c.sla.firstResponseDueAt} as first_response_due_at,
          ${c.sla.resolutionDueAt} as resolution_due_at) t`.execute(db);
      const fromSql = row.rows[0];
      const state = slaState(c, now);
      if ((fromSql?.breached === 1) !== (state === 'breached') || (fromSql?.soon === 1) !== (state === 'due-soon')) {
        mismatches.push(`${JSON.stringify(c)}: sql ${JSON.stringify(fromSql)}, ts ${state}`);
      }
    }
    expect(all.length).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  });
});
