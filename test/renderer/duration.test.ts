import { describe, expect, it } from 'vitest';
import { formatMinutes, parseDuration } from '../../renderer/src/components/duration.ts';

describe('formatMinutes', () => {
  it('says minutes the way people do', () => {
    expect(formatMinutes(480)).toBe('8 h');
    expect(formatMinutes(60)).toBe('1 h');
    expect(formatMinutes(45)).toBe('45 m');
    expect(formatMinutes(90)).toBe('1 h 30 m');
    expect(formatMinutes(1440)).toBe('1 d');
    expect(formatMinutes(5760)).toBe('4 d');
    expect(formatMinutes(1500)).toBe('1 d 1 h');
    expect(formatMinutes(525_600)).toBe('365 d');
    expect(formatMinutes(0)).toBe('0 m');
  });

  it('rounds fractional minutes (a median) and keeps the largest units', () => {
    expect(formatMinutes(197.9)).toBe('3 h 18 m');
    expect(formatMinutes(1505, 2)).toBe('1 d 1 h');
    expect(formatMinutes(1445, 2)).toBe('1 d');
    expect(formatMinutes(1445)).toBe('1 d 5 m');
  });

  it('shows a dash for nonsense', () => {
    expect(formatMinutes(-1)).toBe('—');
    expect(formatMinutes(Number.NaN)).toBe('—');
  });
});

describe('parseDuration', () => {
  it('reads units with or without spaces, and bare minutes', () => {
    expect(parseDuration('8h')).toBe(480);
    expect(parseDuration('8 h')).toBe(480);
    expect(parseDuration(' 90m ')).toBe(90);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('1d 4h')).toBe(1680);
    expect(parseDuration('1d, 4h')).toBe(1680);
    expect(parseDuration('1.5 hours')).toBe(90);
    expect(parseDuration('2 days')).toBe(2880);
    expect(parseDuration('1w')).toBe(10_080);
    expect(parseDuration('45 min')).toBe(45);
  });

  it('refuses what is not a duration', () => {
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('abc')).toBeNull();
    expect(parseDuration('8 h x')).toBeNull();
    expect(parseDuration('8 parsecs')).toBeNull();
  });

  it('reads back everything it writes', () => {
    for (const minutes of [1, 45, 60, 90, 480, 1441, 2880, 5760, 10_081]) {
      expect(parseDuration(formatMinutes(minutes))).toBe(minutes);
    }
  });
});
