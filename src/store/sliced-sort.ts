/**
 * Sorting and merging sorted rows a slice at a time: generator functions that yield whenever
 * `pause()` says the slice is spent, so the caller can run them between key presses and
 * frames (batch-job.ts). pause(n) is asked after every CHUNK units of work (rows placed or
 * compared), told how many; it is the caller's cheap counter, which reads the clock only now
 * and then.
 *
 * The results equal what one native sort of the same rows gives: the comparator is a total
 * order (sort.ts), so there is only one sorted order. Inputs are not mutated. Never throws.
 */
import type { SortRow } from './sort.js';

export type Pause = (units?: number) => boolean;
type Compare = (a: SortRow, b: SortRow) => number;

/** Rows sorted natively in runs of this many (~0.2 ms each here), then merged pairwise. */
const RUN = 256;
/**
 * Rows placed between two calls of pause() (which is told how many): a call per row cost
 * more than the comparison itself (a 100k merge 24 ms, most of it the generator's round
 * trips and the call; the comparisons alone a fraction of that).
 */
const CHUNK = 256;

/** `rows` sorted (a new array): sorted runs, then bottom-up merges, yielding between units. */
export function* sortSliced(rows: readonly SortRow[], cmp: Compare, pause: Pause): Generator<void, SortRow[]> {
  const n = rows.length;
  let src: SortRow[] = new Array<SortRow>(n);
  for (let lo = 0; lo < n; lo += RUN) {
    const run = rows.slice(lo, lo + RUN).sort(cmp);
    for (let i = 0; i < run.length; i++) src[lo + i] = run[i]!;
    if (pause(run.length)) yield;
  }
  let dst: SortRow[] = new Array<SortRow>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      for (let o = lo; o < hi; ) {
        const end = Math.min(o + CHUNK, hi);
        const placed = end - o;
        for (; o < end; o++) dst[o] = j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0) ? src[i++]! : src[j++]!;
        if (pause(placed)) yield;
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * Sorted `base` without the rows `drop` names, merged with sorted `add`: a new array. At the
 * same place a row of `base` comes first (the order is total, so that is only a tie-break
 * for rows listed twice). With nothing to drop (an index part: new rows only), the base rows
 * between two added ones are found by galloping (1, 2, 4, ... rows ahead, then a binary
 * search) and copied without comparing each: O(k log(n/k)) comparisons instead of n + k. At
 * 100k rows a comparison reads rows and entries scattered over the heap, a copy only the array.
 */
export function* mergeSliced(
  base: readonly SortRow[],
  drop: ((row: SortRow) => boolean) | null,
  add: readonly SortRow[],
  cmp: Compare,
  pause: Pause,
): Generator<void, SortRow[]> {
  if (drop === null) return yield* gallopSliced(base, add, cmp, pause);
  const out = new Array<SortRow>(base.length + add.length);
  const nb = base.length;
  const na = add.length;
  let o = 0;
  let i = 0;
  let j = 0;
  while (i < nb || j < na) {
    let k = 0;
    for (; k < CHUNK && (i < nb || j < na); k++) {
      if (j >= na || (i < nb && cmp(base[i]!, add[j]!) <= 0)) {
        const row = base[i++]!;
        if (!drop(row)) out[o++] = row;
      } else {
        out[o++] = add[j++]!;
      }
    }
    if (pause(k)) yield;
  }
  out.length = o;
  return out;
}

/** mergeSliced() with nothing to drop: each added row placed after the base rows not after it. */
function* gallopSliced(base: readonly SortRow[], add: readonly SortRow[], cmp: Compare, pause: Pause): Generator<void, SortRow[]> {
  const nb = base.length;
  const out = new Array<SortRow>(nb + add.length);
  let o = 0;
  let i = 0;
  for (const row of add) {
    // The first base row from i on that sorts after `row`: gallop, then binary search.
    let units = 1;
    if (i < nb && cmp(base[i]!, row) <= 0) {
      let lo = i; // base[lo] sorts at or before row; base[hi] after it, or hi = nb
      let step = 1;
      let hi = i + 1;
      while (hi < nb && (units++, cmp(base[hi]!, row) <= 0)) {
        lo = hi;
        step *= 2;
        hi = i + step;
      }
      hi = Math.min(hi, nb);
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        units++;
        if (cmp(base[mid]!, row) <= 0) lo = mid;
        else hi = mid;
      }
      // A copied row costs a fraction of a comparison (the array only, not the row).
      units += (hi - i) >> 4;
      while (i < hi) out[o++] = base[i++]!;
    }
    out[o++] = row;
    if (pause(units)) yield;
  }
  while (i < nb) out[o++] = base[i++]!;
  return out;
}
