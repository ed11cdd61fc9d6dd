// The arithmetic behind the hand-drawn SVG charts: nice axis ticks, linear and band scales,
// which x labels to show, and path strings. Pure, so it is unit-tested without a browser.

/**
 * The nearest "nice" step (1, 2, 2.5 or 5 times a power of ten) at or above `raw`. With
 * `integer` (counts), a step is a whole number: 2.5 is skipped below 10, and it is at least 1.
 */
export function niceStep(raw: number, integer = false): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  for (const nice of [1, 2, 2.5, 5, 10]) {
    const step = Number((nice * power).toPrecision(12));
    if (nice < fraction - 1e-9) continue;
    if (integer && !Number.isInteger(step)) continue;
    return integer ? Math.max(1, step) : step;
  }
  return integer ? Math.max(1, Math.ceil(10 * power)) : 10 * power;
}

/**
 * Axis ticks from 0 up to at least `max`, about `count` intervals, on nice steps. Counts are
 * integers, so with `integer` a step is never fractional (a max of 3 gives 0 1 2 3, not 0.5s).
 * An all-zero series still gets an axis (0..1 or 0..count).
 */
export function niceTicks(max: number, count = 4, integer = true): { ticks: number[]; top: number } {
  const safeMax = Number.isFinite(max) && max > 0 ? max : integer ? count : 1;
  const step = niceStep(safeMax / count, integer);
  const top = Number((Math.ceil(safeMax / step - 1e-9) * step).toPrecision(12));
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 1e6; value += step) ticks.push(Number(value.toFixed(6)));
  return { ticks, top };
}

/** Maps a domain linearly onto a range (either may be reversed, as SVG y usually is). */
export function scaleLinear(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** Evenly spaced bands for `count` bars across `width`, with `gap` (0..1) of each step empty. */
export function bandLayout(count: number, width: number, gap = 0.25): { step: number; band: number; x: (index: number) => number } {
  const step = count > 0 ? width / count : width;
  const band = Math.max(1, step * (1 - gap));
  return { step, band, x: (index) => index * step + (step - band) / 2 };
}

/**
 * Which of `count` x positions get a label so at most `max` are shown, evenly spaced and
 * always including the last (newest) one, counted back from it.
 */
export function labelIndices(count: number, max: number): number[] {
  if (count <= 0) return [];
  if (max <= 1) return [count - 1];
  const every = Math.max(1, Math.ceil(count / max));
  const indices: number[] = [];
  for (let i = count - 1; i >= 0; i -= every) indices.unshift(i);
  return indices;
}

export interface Point {
  x: number;
  y: number;
}

/** An SVG path through the points, straight segments. */
export function linePath(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)} ${round(p.y)}`).join(' ');
}

/** The closed area under a line down to `baseline`. */
export function areaPath(points: readonly Point[], baseline: number): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return '';
  return `${linePath(points)} L${round(last.x)} ${round(baseline)} L${round(first.x)} ${round(baseline)} Z`;
}

/** stroke-dasharray for a ring showing `ratio` (clamped to 0..1) of its circumference. */
export function ringDash(ratio: number, radius: number): { dash: string; circumference: number } {
  const circumference = 2 * Math.PI * radius;
  const filled = Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0)) * circumference;
  return { dash: `${round(filled)} ${round(circumference - filled)}`, circumference };
}

/** The API lists rollups newest first; charts read left to right, oldest to newest. */
export function chronological<T extends { day: string }>(rollups: readonly T[]): T[] {
  return [...rollups].sort((a, b) => a.day.localeCompare(b.day));
}

/** "Mar 2" for a `YYYY-MM-DD` UTC day. */
export function dayLabel(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** A ratio as a percentage with at most one decimal: 0.9456 → "94.6%", 1 → "100%". */
export function percent(ratio: number): string {
  const value = Math.round(ratio * 1000) / 10;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A bar with rounded top corners only (the baseline stays square), as an SVG path. */
export function roundedTopBar(x: number, y: number, width: number, height: number, radius = 4): string {
  if (height <= 0 || width <= 0) return '';
  const r = Math.min(radius, width / 2, height);
  const [x0, y0, x1, y1] = [x, y, x + width, y + height].map(round) as [number, number, number, number];
  return `M${x0} ${y1} L${x0} ${round(y0 + r)} Q${x0} ${y0} ${round(x0 + r)} ${y0} L${round(x1 - r)} ${y0} Q${x1} ${y0} ${x1} ${round(y0 + r)} L${x1} ${y1} Z`;
}
