/**
 * The sliced merge (src/store/sliced-sort.ts): the result equals one native sort of both lists,
 * with and without rows to drop, ties included; with nothing to drop, a few added rows are
 * placed among many by galloping, not by comparing every base row.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { mergeSliced } from '../../src/store/sliced-sort.js';
import { comparator, sortCounters, toSortRow, type SortRow } from '../../src/store/sort.js';

const cmp = comparator(false);

/** Rows keyed by arrival time (the `age` sort): few distinct times, so ties break on the id. */
function rows(n: number, seed: number, times: number): SortRow[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => toSortRow({ queueId: `Q${seed}x${i}`, arrivalTime: Math.floor(rand() * times) } as QueueEntry, 'age'));
}

/** Run a sliced job to its end, its slice spent every `pauseEvery` units (each yield resumed at once). */
function finish<T>(make: (pause: (units?: number) => boolean) => Generator<void, T>, pauseEvery = 1): { result: T; yields: number } {
  let units = 0;
  let next = pauseEvery;
  const job = make((done = 1) => {
    units += done;
    if (units < next) return false;
    next = units + pauseEvery;
    return true;
  });
  let yields = 0;
  for (let step = job.next(); ; step = job.next()) {
    if (step.done) return { result: step.value, yields };
    yields++;
  }
}

describe('mergeSliced', () => {
  const cases: Array<[string, number, number, number]> = [
    ['a few rows into many', 5000, 7, 50],
    ['as many as there are', 3000, 3000, 40],
    ['many into a few', 40, 2500, 10_000],
    ['into nothing', 0, 300, 100],
    ['nothing into many', 800, 0, 100],
    ['every time the same', 600, 600, 1],
  ];
  it.each(cases)('%s: equals one sort of both (nothing dropped)', (_name, nb, na, times) => {
    const base = rows(nb, 11, times).sort(cmp);
    const add = rows(na, 29, times).sort(cmp);
    for (const every of [1, 3, 256]) {
      const { result } = finish((pause) => mergeSliced(base, null, add, cmp, pause), every);
      expect(result.map((r) => r.id)).toEqual([...base, ...add].sort(cmp).map((r) => r.id));
    }
  });

  it('equals one sort of both without the dropped rows', () => {
    const base = rows(4000, 5, 300).sort(cmp);
    const add = rows(500, 6, 300).sort(cmp);
    const gone = new Set(base.filter((_, i) => i % 7 === 0));
    const { result } = finish((pause) => mergeSliced(base, (row) => gone.has(row), add, cmp, pause), 5);
    expect(result.map((r) => r.id)).toEqual([...base.filter((r) => !gone.has(r)), ...add].sort(cmp).map((r) => r.id));
  });

  it('places 20 rows among 100,000 with a few hundred comparisons, not 100,000', () => {
    const base = rows(100_000, 3, 10_000_000).sort(cmp);
    const add = rows(20, 4, 10_000_000).sort(cmp);
    const before = sortCounters.comparisons;
    const { result, yields } = finish((pause) => mergeSliced(base, null, add, cmp, pause), 256);
    const used = sortCounters.comparisons - before;
    expect(result.map((r) => r.id)).toEqual([...base, ...add].sort(cmp).map((r) => r.id));
    expect(used).toBeLessThan(20 * 40);
    // The copies still count towards the slice: the job yields along the way.
    expect(yields).toBeGreaterThan(0);
  });
});
