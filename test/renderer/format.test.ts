import { describe, expect, it } from 'vitest';
import { hueOf, initials } from '../../renderer/src/components/Avatar.tsx';
import { formatStamp, plural, shortDate, timeAgo } from '../../renderer/src/components/format.ts';

const now = Date.parse('2026-03-02T12:00:00Z');
const before = (ms: number) => new Date(now - ms).toISOString();

describe('timeAgo', () => {
  it('is relative for a week, then a short date', () => {
    expect(timeAgo(before(30_000), now)).toBe('just now');
    expect(timeAgo(before(5 * 60_000), now)).toBe('5m ago');
    expect(timeAgo(before(3 * 3_600_000), now)).toBe('3h ago');
    expect(timeAgo(before(2 * 86_400_000), now)).toBe('2d ago');
    expect(timeAgo('2026-02-20T12:00:00Z', now)).toBe('Feb 20');
    expect(timeAgo('2025-03-02T12:00:00Z', now)).toBe('Mar 2, 2025');
    expect(timeAgo('garbage', now)).toBe('');
  });

  it('shows the year whenever it is not the current one', () => {
    expect(shortDate('2026-01-05T12:00:00Z', now)).toBe('Jan 5');
    expect(shortDate('2025-01-05T12:00:00Z', now)).toBe('Jan 5, 2025');
    expect(formatStamp('2025-03-02T12:00:00Z', now)).toContain('2025');
    expect(formatStamp('2026-03-01T12:00:00Z', now)).not.toContain('2026');
  });
});

describe('initials and hueOf', () => {
  it('takes first and last initials, or the first letter of an address', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('John Ronald Tolkien')).toBe('JT');
    expect(initials('Grace')).toBe('G');
    expect(initials('ada@example.com')).toBe('A');
    expect(initials('  ')).toBe('?');
  });

  it('gives the same name the same hue', () => {
    expect(hueOf('Ada Lovelace')).toBe(hueOf('Ada Lovelace'));
    for (const name of ['a', 'Zed', 'x'.repeat(500)]) {
      expect(hueOf(name)).toBeGreaterThanOrEqual(0);
      expect(hueOf(name)).toBeLessThan(360);
    }
  });
});

describe('plural', () => {
  it('counts with thousands separators', () => {
    expect(plural(1, 'ticket')).toBe('1 ticket');
    expect(plural(1200, 'ticket')).toBe('1,200 tickets');
    expect(plural(2, 'reply', 'replies')).toBe('2 replies');
  });
});
