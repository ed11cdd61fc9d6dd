import { describe, expect, it } from 'vitest';
import { moveCursor, pageQuery, pagesForRange, reconcileCursor, rowAt } from '../../renderer/src/inbox/paging.ts';

describe('pagesForRange', () => {
  it('asks for page 0 while the total is unknown', () => {
    expect(pagesForRange(0, 20, undefined, 100)).toEqual([0]);
  });

  it('covers the visible rows with the pages that hold them', () => {
    expect(pagesForRange(0, 15, 100_000, 100)).toEqual([0]);
    expect(pagesForRange(95, 110, 100_000, 100)).toEqual([0, 1]);
    expect(pagesForRange(1_990, 2_010, 100_000, 100)).toEqual([19, 20]);
  });

  it('reads ahead and behind by the overscan, within the list', () => {
    expect(pagesForRange(85, 95, 100_000, 100, 10)).toEqual([0, 1]);
    expect(pagesForRange(0, 10, 100_000, 100, 50)).toEqual([0]);
    expect(pagesForRange(99_950, 99_999, 100_000, 100, 200)).toEqual([997, 998, 999]);
  });

  it('never asks past the last page', () => {
    expect(pagesForRange(240, 260, 250, 100, 40)).toEqual([2]);
    expect(pagesForRange(0, 30, 0, 100)).toEqual([0]);
  });

  it('asks for page 999 at the bottom of 100,000 rows, not a page per row', () => {
    const pages = pagesForRange(99_980, 99_999, 100_000, 100);
    expect(pages).toEqual([999]);
    expect(pageQuery({ status: 'open' }, 999, 100)).toEqual({ status: 'open', limit: 100, offset: 99_900 });
  });
});

describe('rows and the cursor', () => {
  const page = (start: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `t${start + i}` }));
  const pages = new Map([
    [0, page(0, 100)],
    [1, page(100, 100)],
  ]);

  it('finds a row by its index across pages, or undefined when its page is not loaded', () => {
    expect(rowAt(pages, 0, 100)?.id).toBe('t0');
    expect(rowAt(pages, 150, 100)?.id).toBe('t150');
    expect(rowAt(pages, 250, 100)).toBeUndefined();
  });

  it('moves within the list and starts at the top (or bottom going up)', () => {
    expect(moveCursor(-1, 1, 10)).toBe(0);
    expect(moveCursor(-1, -1, 10)).toBe(9);
    expect(moveCursor(9, 1, 10)).toBe(9);
    expect(moveCursor(0, -1, 10)).toBe(0);
    expect(moveCursor(3, 1, 0)).toBe(-1);
  });

  it('follows its ticket when a live update shifts the rows', () => {
    const shifted = new Map([[0, [{ id: 'new' }, ...page(0, 99)]]]);
    expect(reconcileCursor({ index: 5, id: 't5' }, shifted, 100, 1001)).toBe(6);
  });

  it('stays at its position when its ticket left the list (the next one moves under it)', () => {
    const without = new Map([[0, [...page(0, 5), ...page(6, 94)]]]);
    expect(reconcileCursor({ index: 5, id: 't5' }, without, 100, 999)).toBe(5);
  });

  it('starts on the first row of a fresh list and clamps to a shorter one', () => {
    expect(reconcileCursor({ index: -1, id: null }, pages, 100, 200)).toBe(0);
    expect(reconcileCursor({ index: 150, id: 'gone' }, new Map([[0, page(0, 3)]]), 100, 3)).toBe(2);
    expect(reconcileCursor({ index: 2, id: 't2' }, new Map(), 100, 0)).toBe(-1);
  });
});
