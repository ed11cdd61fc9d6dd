export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the current window ends. */
  resetAt: number;
}

/**
 * Fixed one-minute windows per key, in memory. The server is a single process, so a restart
 * forgetting the counts costs at most one extra minute's allowance.
 */
export class RateLimiter implements RequestLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  hit(key: string, limit: number, nowMs: number): RateDecision {
    const window = Math.floor(nowMs / 60_000);
    let entry = this.windows.get(key);
    if (!entry && this.windows.size >= pruneAbove) this.prune(window);
    if (!entry || entry.window !== window) {
      entry = { window, count: 0 };
      this.windows.set(key, entry);
    }
    const allowed = entry.count < limit;
    if (allowed) entry.count += 1;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - entry.count),
      resetAt: (window + 1) * 60,
    };
  }

  /** Forgets finished windows: client addresses come and go, and each would stay forever. */
  private prune(window: number): void {
    for (const [key, entry] of this.windows) if (entry.window !== window) this.windows.delete(key);
  }
}

/** Entries kept before finished windows are swept (a sweep is O(entries), so not on every hit). */
const pruneAbove = 10_000;

/** Counts requests per key and minute; answers whether this one is allowed. */
export interface RequestLimiter {
  hit(key: string, limit: number, nowMs: number): RateDecision | Promise<RateDecision>;
}
