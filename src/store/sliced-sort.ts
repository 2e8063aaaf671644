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

/** Where a merge is: the next row of each input, and the next slot of the output. */
interface Cursor {
  i: number;
  j: number;
  o: number;
}

/*
 * The loops are plain functions the generators call once per chunk: in the generators
 * themselves they were compiled again with each deopt of the whole generator (batch-job.ts).
 */

function sortRun(rows: readonly SortRow[], out: SortRow[], lo: number, hi: number, cmp: Compare): void {
  const run = rows.slice(lo, hi).sort(cmp);
  for (let k = 0; k < run.length; k++) out[lo + k] = run[k]!;
}

/** Output slots [at.o, end) of the merge of src[at.i, mid) and src[at.j, hi) into dst. */
function mergeRuns(src: readonly SortRow[], dst: SortRow[], at: Cursor, mid: number, hi: number, end: number, cmp: Compare): void {
  let { i, j, o } = at;
  for (; o < end; o++) dst[o] = j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0) ? src[i++]! : src[j++]!;
  at.i = i;
  at.j = j;
  at.o = o;
}

/** `rows` sorted (a new array): sorted runs, then bottom-up merges, yielding between units. */
export function* sortSliced(rows: readonly SortRow[], cmp: Compare, pause: Pause): Generator<void, SortRow[]> {
  const n = rows.length;
  let src: SortRow[] = new Array<SortRow>(n);
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    sortRun(rows, src, lo, hi, cmp);
    if (pause(hi - lo)) yield;
  }
  let dst: SortRow[] = new Array<SortRow>(n);
  const at: Cursor = { i: 0, j: 0, o: 0 };
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      at.i = lo;
      at.j = mid;
      at.o = lo;
      while (at.o < hi) {
        const end = Math.min(at.o + CHUNK, hi);
        const placed = end - at.o;
        mergeRuns(src, dst, at, mid, hi, end, cmp);
        if (pause(placed)) yield;
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Output slots [at.o, ...) of merging base[at.i, ...) without `drop`'s rows and add[at.j, ...), up to `k` rows taken. */
function mergeDropping(base: readonly SortRow[], drop: (row: SortRow) => boolean, add: readonly SortRow[], out: SortRow[], at: Cursor, k: number, cmp: Compare): number {
  const nb = base.length;
  const na = add.length;
  let { i, j, o } = at;
  let taken = 0;
  for (; taken < k && (i < nb || j < na); taken++) {
    if (j >= na || (i < nb && cmp(base[i]!, add[j]!) <= 0)) {
      const row = base[i++]!;
      if (!drop(row)) out[o++] = row;
    } else {
      out[o++] = add[j++]!;
    }
  }
  at.i = i;
  at.j = j;
  at.o = o;
  return taken;
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
  const at: Cursor = { i: 0, j: 0, o: 0 };
  while (at.i < base.length || at.j < add.length) {
    const k = mergeDropping(base, drop, add, out, at, CHUNK, cmp);
    if (pause(k)) yield;
  }
  out.length = at.o;
  return out;
}

/** Added rows placed per call of gallopRows() (each a gallop and a binary search at most). */
const GALLOP_ROWS = 32;

/**
 * add[at.j, end) placed into out, each after the base rows from at.i on not after it;
 * returns the units of work (comparisons, and copies at a sixteenth each).
 */
function gallopRows(base: readonly SortRow[], add: readonly SortRow[], out: SortRow[], at: Cursor, end: number, cmp: Compare): number {
  const nb = base.length;
  let { i, j, o } = at;
  let units = 0;
  for (; j < end; j++) {
    const row = add[j]!;
    // The first base row from i on that sorts after `row`: gallop, then binary search.
    units++;
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
  }
  at.i = i;
  at.j = j;
  at.o = o;
  return units;
}

/** mergeSliced() with nothing to drop: each added row placed after the base rows not after it. */
function* gallopSliced(base: readonly SortRow[], add: readonly SortRow[], cmp: Compare, pause: Pause): Generator<void, SortRow[]> {
  const out = new Array<SortRow>(base.length + add.length);
  const at: Cursor = { i: 0, j: 0, o: 0 };
  while (at.j < add.length) {
    const units = gallopRows(base, add, out, at, Math.min(at.j + GALLOP_ROWS, add.length), cmp);
    if (pause(units)) yield;
  }
  let { i, o } = at;
  while (i < base.length) out[o++] = base[i++]!;
  return out;
}
