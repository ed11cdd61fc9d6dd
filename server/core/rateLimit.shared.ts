// Rate limits counted in the database, for servers sharing one PostgreSQL database: a key's
// requests this minute are the same number on every server, so a limit of 100/min holds for
// the install, not per server. One upsert per request into an UNLOGGED table (migration
// 2026120660): no WAL to flush, and a crash only forgets the current minute.
import { sql } from 'kysely';
import type { Db } from '../../db/schema.ts';
import type { RateDecision, RequestLimiter } from './rateLimit.ts';

export class SharedRateLimiter implements RequestLimiter {
  private sweptMinute = 0;

  constructor(
    private readonly db: Db,
    private readonly onSweepError: (err: unknown) => void = () => undefined,
  ) {}

  async hit(key: string, limit: number, nowMs: number): Promise<RateDecision> {
    const minute = Math.floor(nowMs / 60_000);
    const { rows } = await sql<{ count: number }>`insert into rate_limits (key_id, minute, count)
      values (${key}, ${minute}, 1)
      on conflict (key_id, minute) do update set count = rate_limits.count + 1
      returning count`.execute(this.db);
    const count = rows[0]?.count ?? 1;
    if (minute !== this.sweptMinute) {
      // Finished minutes are never read again; one server's first request of a minute clears them.
      this.sweptMinute = minute;
      sql`delete from rate_limits where minute < ${minute - 1}`.execute(this.db).catch(this.onSweepError);
    }
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetAt: (minute + 1) * 60,
    };
  }
}
