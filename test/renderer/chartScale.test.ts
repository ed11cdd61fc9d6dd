import { describe, expect, it } from 'vitest';
import {
  areaPath,
  bandLayout,
  chronological,
  dayLabel,
  labelIndices,
  linePath,
  niceStep,
  niceTicks,
  percent,
  ringDash,
  roundedTopBar,
  scaleLinear,
} from '../../renderer/src/dashboard/chartScale.ts';

describe('niceStep', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.5)).toBe(2);
    expect(niceStep(2.2)).toBe(2.5);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(12)).toBe(20);
    expect(niceStep(0.13)).toBe(0.2);
  });

  it('keeps integer steps whole and at least 1', () => {
    expect(niceStep(0.3, true)).toBe(1);
    expect(niceStep(2.2, true)).toBe(5);
    expect(niceStep(24, true)).toBe(25);
  });

  it('treats nonsense as a step of 1', () => {
    expect(niceStep(0)).toBe(1);
    expect(niceStep(Number.NaN)).toBe(1);
    expect(niceStep(-3)).toBe(1);
  });
});

describe('niceTicks', () => {
  it('covers the maximum with about four nice intervals', () => {
    expect(niceTicks(6)).toEqual({ ticks: [0, 2, 4, 6], top: 6 });
    expect(niceTicks(97)).toEqual({ ticks: [0, 25, 50, 75, 100], top: 100 });
    expect(niceTicks(7)).toEqual({ ticks: [0, 2, 4, 6, 8], top: 8 });
  });

  it('never uses fractional steps for counts', () => {
    expect(niceTicks(3).ticks).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1).ticks).toEqual([0, 1]);
  });

  it('still draws an axis for an all-zero series', () => {
    expect(niceTicks(0)).toEqual({ ticks: [0, 1, 2, 3, 4], top: 4 });
    expect(niceTicks(0, 4, false)).toEqual({ ticks: [0, 0.25, 0.5, 0.75, 1], top: 1 });
  });

  it('has no floating-point noise in fractional ticks', () => {
    expect(niceTicks(0.5, 4, false)).toEqual({ ticks: [0, 0.2, 0.4, 0.6], top: 0.6 });
  });
});

describe('scaleLinear', () => {
  it('maps the domain onto a reversed range, as SVG y needs', () => {
    const y = scaleLinear([0, 10], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(5)).toBe(50);
    expect(y(10)).toBe(0);
  });

  it('maps an empty domain to the range start', () => {
    expect(scaleLinear([3, 3], [10, 20])(3)).toBe(10);
  });
});

describe('bandLayout', () => {
  it('centres each bar in its step', () => {
    const bands = bandLayout(4, 100, 0.2);
    expect(bands.step).toBe(25);
    expect(bands.band).toBe(20);
    expect(bands.x(0)).toBe(2.5);
    expect(bands.x(3)).toBe(77.5);
  });

  it('keeps a bar at least one pixel wide', () => {
    expect(bandLayout(500, 100, 0.5).band).toBe(1);
  });
});

describe('labelIndices', () => {
  it('labels evenly, counted back from the newest day, which is always labelled', () => {
    const picked = labelIndices(30, 10);
    expect(picked).toHaveLength(10);
    expect(picked.at(-1)).toBe(29);
    expect(picked[0]).toBe(2);
    expect(new Set(picked.slice(1).map((v, i) => v - picked[i]!))).toEqual(new Set([3]));
  });

  it('labels everything that fits, and handles the edges', () => {
    expect(labelIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(labelIndices(0, 5)).toEqual([]);
    expect(labelIndices(7, 1)).toEqual([6]);
  });
});

describe('paths', () => {
  it('draws a line and the area under it with rounded coordinates', () => {
    const points = [
      { x: 0, y: 0 },
      { x: 10, y: 5.555 },
    ];
    expect(linePath(points)).toBe('M0 0 L10 5.56');
    expect(areaPath(points, 100)).toBe('M0 0 L10 5.56 L10 100 L0 100 Z');
    expect(areaPath([], 100)).toBe('');
  });

  it('rounds only the top corners of a bar', () => {
    expect(roundedTopBar(0, 0, 10, 20, 4)).toBe('M0 20 L0 4 Q0 0 4 0 L6 0 Q10 0 10 4 L10 20 Z');
    expect(roundedTopBar(0, 18, 10, 2, 4)).toBe('M0 20 L0 20 Q0 18 2 18 L8 18 Q10 18 10 20 L10 20 Z');
    expect(roundedTopBar(0, 0, 10, 0)).toBe('');
  });
});

describe('ringDash', () => {
  it('fills the share of the circumference, clamped to 0..1', () => {
    const quarter = ringDash(0.25, 10);
    expect(quarter.circumference).toBeCloseTo(62.83, 2);
    expect(quarter.dash).toBe('15.71 47.12');
    expect(ringDash(2, 10).dash).toBe('62.83 0');
    expect(ringDash(Number.NaN, 10).dash).toBe('0 62.83');
  });
});

describe('chronological, dayLabel and percent', () => {
  it('puts the newest day last, as charts read left to right', () => {
    const rollups = [{ day: '2026-03-02' }, { day: '2026-03-01' }, { day: '2026-02-28' }];
    expect(chronological(rollups).map((r) => r.day)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
    expect(rollups[0]!.day).toBe('2026-03-02');
  });

  it('labels a UTC day and formats ratios', () => {
    expect(dayLabel('2026-03-02')).toBe('Mar 2');
    expect(dayLabel('nonsense')).toBe('nonsense');
    expect(percent(0.9456)).toBe('94.6%');
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0%');
  });
});
