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

interface Row {
  id: string;
  key: Key;
  arrival: number;
}

function toRow(entry: QueueEntry, key: SortKey): Row {
  return { id: entry.queueId, key: sortKeyOf(entry, key), arrival: entry.arrivalTime };
}

function compareRows(a: Row, b: Row): number {
  sortCounters.comparisons++;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.arrival !== b.arrival) return a.arrival - b.arrival;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Sort entries; returns their queue ids in order. */
export function sortEntries(entries: readonly QueueEntry[], key: SortKey, reverse: boolean): string[] {
  sortCounters.sorts++;
  const rows = entries.map((e) => toRow(e, key));
  rows.sort(reverse ? (a, b) => compareRows(b, a) : compareRows);
  return rows.map((r) => r.id);
}

/**
 * Merge a small set of changed entries into an already sorted id list: `kept` is the previous
 * order minus the changed ids, `added` the changed entries that now belong. O(n + k log k).
 */
export function mergeSorted(
  kept: readonly string[],
  lookup: (id: string) => QueueEntry,
  added: readonly QueueEntry[],
  key: SortKey,
  reverse: boolean,
): string[] {
  const cmp = reverse ? (a: Row, b: Row) => compareRows(b, a) : compareRows;
  const addRows = added.map((e) => toRow(e, key)).sort(cmp);
  const out: string[] = new Array(kept.length + addRows.length);
  let i = 0;
  let j = 0;
  let o = 0;
  let keptRow: Row | null = null;
  while (i < kept.length && j < addRows.length) {
    keptRow ??= toRow(lookup(kept[i]!), key);
    if (cmp(keptRow, addRows[j]!) <= 0) {
      out[o++] = keptRow.id;
      i++;
      keptRow = null;
    } else {
      out[o++] = addRows[j++]!.id;
    }
  }
  while (i < kept.length) out[o++] = kept[i++]!;
  while (j < addRows.length) out[o++] = addRows[j++]!.id;
  return out;
}
