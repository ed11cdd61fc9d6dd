import type { Clock } from '../../server/core/clock.ts';

/** A clock the test moves by hand, so time-dependent rules are tested without sleeping. */
export class TestClock implements Clock {
  private current: number;
  constructor(start: string | Date = '2026-03-02T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advanceMinutes(minutes: number): void {
    this.current += minutes * 60_000;
  }
  advanceDays(days: number): void {
    this.advanceMinutes(days * 24 * 60);
  }
  set(iso: string): void {
    this.current = new Date(iso).getTime();
  }
}
