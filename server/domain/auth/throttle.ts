// The sign-in throttle: failed logins are counted per account (the e-mail address tried) and per
// client address over a sliding 15 minutes; at 5 either one refuses further attempts with 429
// until the oldest of those failures is 15 minutes old. Failures are rows (login_failures), so
// a restart forgets nothing, and several nodes sharing a database would share the count.
import type { Db } from '../../../db/schema.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';

export const throttleWindowMinutes = 15;
export const maxFailures = 5;

export function throttleSubjects(email: string, ip: string): string[] {
  return [`email:${email.toLowerCase()}`, `ip:${ip}`];
}

function windowStart(clock: Clock): string {
  return new Date(clock.now().getTime() - throttleWindowMinutes * 60_000).toISOString();
}

/** 429 with the seconds until an attempt is allowed again, when any subject has too many failures. */
export async function assertNotThrottled(db: Db, clock: Clock, subjects: readonly string[]): Promise<void> {
  const since = windowStart(clock);
  let waitMs = 0;
  for (const subject of subjects) {
    const rows = await db
      .selectFrom('login_failures')
      .select('at')
      .where('subject', '=', subject)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(maxFailures)
      .execute();
    if (rows.length < maxFailures) continue;
    // Allowed again once the fifth-newest failure leaves the window.
    const fifth = rows[maxFailures - 1]?.at ?? since;
    waitMs = Math.max(waitMs, Date.parse(fifth) + throttleWindowMinutes * 60_000 - clock.now().getTime());
  }
  if (waitMs > 0) {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new AppError(
      'RATE_LIMITED',
      `too many failed sign-ins: try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`,
      { retryAfterSeconds },
    );
  }
}

export async function recordFailure(db: Db, clock: Clock, subjects: readonly string[]): Promise<void> {
  const at = nowIso(clock);
  // Failures older than the window count for nothing: forget them as new ones come.
  await db.deleteFrom('login_failures').where('at', '<=', windowStart(clock)).execute();
  await db
    .insertInto('login_failures')
    .values(subjects.map((subject) => ({ subject, at })))
    .execute();
}

/** A successful sign-in clears the account's count (not the address's). */
export async function clearFailures(db: Db, subject: string): Promise<void> {
  await db.deleteFrom('login_failures').where('subject', '=', subject).execute();
}
