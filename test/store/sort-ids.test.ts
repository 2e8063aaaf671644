/**
 * Rows of one arrival second (a burst) sort by queue id (src/store/sort.ts): the order is
 * exactly JavaScript's string order of the ids, odd ids included (stray names, punctuation,
 * short, non-ASCII), and most pairs are told apart by the number made of the ids' first
 * characters, without reading the ids (each read goes through both rows' entries).
 */
import { expect, test } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { comparator, toSortRow } from '../../src/store/sort.js';
import { makeEntry } from './fixtures.js';

const cmp = comparator(false);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An entry whose queueId reads are counted (a real entry underneath). */
function counted(entry: QueueEntry, reads: { n: number }): QueueEntry {
  return new Proxy(entry, {
    get(target, prop) {
      if (prop === 'queueId') reads.n++;
      return Reflect.get(target, prop, target) as unknown;
    },
  });
}

test('ids of one second sort in string order, odd ones included', () => {
  const ids = ['4B2A122C26C', '4B2A1', '4B2A', '', 'core', 'README', 'z', 'Z', '0', '4dPxsT1Yb3zQ9mKj', '4dPxsT1Yb3zQ9mKz', '4B2A-x', '4B2A.1', 'ÄB3', 'A\u0000B', '4B2A122C26D', '~~', '4b2a1'];
  const rows = ids.map((id) => toSortRow(makeEntry(id, { arrivalTime: 1_000 }), 'age'));
  expect(rows.sort(cmp).map((r) => r.id)).toEqual([...ids].sort(byString));
  // In reverse, the other way round.
  expect(rows.sort(comparator(true)).map((r) => r.id)).toEqual([...ids].sort(byString).reverse());
});

test('a burst of 2,000 short ids sorts reading the ids only for pairs that share their first five characters', () => {
  let s = 7;
  const hex = () => ((s = (s * 1103515245 + 12345) % 2 ** 31), s.toString(16).toUpperCase().padStart(8, '0'));
  const reads = { n: 0 };
  const ids = Array.from({ length: 2000 }, (_, i) => `${hex().slice(0, 5)}${(i + 4096).toString(16).toUpperCase()}`);
  const rows = ids.map((id) => toSortRow(counted(makeEntry(id, { arrivalTime: 1_000 }), reads), 'age'));
  reads.n = 0;
  const sorted = rows.slice().sort(cmp);
  const compared = reads.n;
  expect(sorted.map((r) => r.id)).toEqual([...ids].sort(byString));
  // Reading both ids at each of ~20,000 comparisons was ~55,000 reads.
  expect(compared).toBeLessThan(500);
});
