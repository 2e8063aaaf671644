/**
 * Sort orders of the message list. Each key has a natural direction (the one an admin wants
 * first); `reverse` flips it. Ties break on arrival time, then queue id, so the order is total
 * and a re-sort never shuffles equal rows.
 *
 *   age     oldest first (arrival time ascending)
 *   retry   next retry soonest first (file mtime: Postfix time-warps deferred files' mtime)
 *   size    largest first
 *   sender  A-Z, case-insensitive
 *   domain  first recipient's domain A-Z (no recipient last)
 *   reason  first delay reason A-Z (no reason last)
 *
 * Pure. `sortCounters.comparisons` counts comparator calls so tests can prove that a cursor
 * move does not re-sort.
 */
import type { QueueEntry } from '../domain/entry.js';
import { addressDomain } from './filter-match.js';

export const SORT_KEYS = ['age', 'retry', 'size', 'sender', 'domain', 'reason'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SORT_LABELS: Readonly<Record<SortKey, string>> = {
  age: 'age',
  retry: 'next retry',
  size: 'size',
  sender: 'sender',
  domain: 'recipient domain',
  reason: 'reason',
};

/** Instrumentation for tests and the bench: comparator calls since the process started. */
export const sortCounters = { comparisons: 0, sorts: 0 };

// Sorts after any real text: entries without a domain or reason go last.
const LAST = '\uffff';

type Key = number | string;

/** The primary sort key of an entry, in ascending order of the natural direction. */
export function sortKeyOf(entry: QueueEntry, key: SortKey): Key {
  switch (key) {
    case 'age':
      return entry.arrivalTime;
    case 'retry':
      return entry.mtime;
    case 'size':
      return -entry.messageSize;
    case 'sender':
      return entry.sender.toLowerCase();
    case 'domain': {
      const first = entry.recipients[0];
      return first ? addressDomain(first.address) || LAST : LAST;
    }
    case 'reason': {
      const reason = entry.recipients.find((r) => r.delayReason !== '')?.delayReason;
      return reason ? reason.toLowerCase() : LAST;
    }
  }
}

/** A sorted row: the entry with its precomputed keys (a merge or a filter needs no lookups). */
export interface SortRow {
  readonly id: string;
  readonly key: Key;
  readonly arrival: number;
  readonly entry: QueueEntry;
}

export function toSortRow(entry: QueueEntry, key: SortKey): SortRow {
  return { id: entry.queueId, key: sortKeyOf(entry, key), arrival: entry.arrivalTime, entry };
}

function compareRows(a: SortRow, b: SortRow): number {
  sortCounters.comparisons++;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.arrival !== b.arrival) return a.arrival - b.arrival;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function comparator(reverse: boolean): (a: SortRow, b: SortRow) => number {
  return reverse ? (a, b) => compareRows(b, a) : compareRows;
}

/** Sort entries into rows. */
export function sortRows(entries: readonly QueueEntry[], key: SortKey, reverse: boolean): SortRow[] {
  sortCounters.sorts++;
  return entries.map((e) => toSortRow(e, key)).sort(comparator(reverse));
}

/** Sort entries; returns their queue ids in order. */
export function sortEntries(entries: readonly QueueEntry[], key: SortKey, reverse: boolean): string[] {
  return sortRows(entries, key, reverse).map((r) => r.id);
}

/**
 * Insert a few entries into sorted rows (`kept`: the previous order minus the changed ids):
 * each lands by binary search, so k changes cost O(n) copying and O(k log n) comparisons.
 */
export function mergeRows(kept: readonly SortRow[], added: readonly QueueEntry[], key: SortKey, reverse: boolean): SortRow[] {
  const cmp = comparator(reverse);
  const addRows = added.map((e) => toSortRow(e, key)).sort(cmp);
  const out: SortRow[] = new Array(kept.length + addRows.length);
  let from = 0;
  let o = 0;
  for (const row of addRows) {
    let lo = from;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(kept[mid]!, row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = from; i < lo; i++) out[o++] = kept[i]!;
    out[o++] = row;
    from = lo;
  }
  for (let i = from; i < kept.length; i++) out[o++] = kept[i]!;
  return out;
}

/** The first index whose row sorts after `probe` (upper bound), by binary search. */
function upperBound(rows: readonly SortRow[], probe: SortRow, cmp: (a: SortRow, b: SortRow) => number, from = 0): number {
  let lo = from;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(rows[mid]!, probe) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where an entry is in sorted rows (binary search, O(log n)); -1 when it is not there. */
export function findRow(rows: readonly SortRow[], entry: QueueEntry, key: SortKey, reverse: boolean): number {
  const cmp = comparator(reverse);
  const probe = toSortRow(entry, key);
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(rows[mid]!, probe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return rows[lo]?.id === entry.queueId ? lo : -1;
}

/**
 * A few changes in place on copies of rows (and their ids): each old version is found and
 * each new one inserted by binary search, then spliced (native memmove). For a handful of
 * changes this beats any O(n) pass in JavaScript.
 */
export function spliceRows(
  rows: SortRow[],
  ids: string[] | null,
  changes: ReadonlyArray<{ old: QueueEntry | undefined; now: QueueEntry | undefined }>,
  key: SortKey,
  reverse: boolean,
): void {
  const cmp = comparator(reverse);
  for (const { old, now } of changes) {
    if (old) {
      const i = findRow(rows, old, key, reverse);
      if (i >= 0) {
        rows.splice(i, 1);
        ids?.splice(i, 1);
      }
    }
    if (now) {
      const row = toSortRow(now, key);
      const i = upperBound(rows, row, cmp);
      rows.splice(i, 0, row);
      ids?.splice(i, 0, now.queueId);
    }
  }
}
