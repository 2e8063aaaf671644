/**
 * The QUEUE ID column's width after a batch (src/ui/id-width.ts): the widest id cell, grown by
 * what the batch brought, measured from the batch's own entries: no lookup per id in the entry
 * map (an index part brings thousands of new ids, each looked up for the id and host columns).
 * Through a real store: its lastChange is what the console hands in.
 */
import { expect, test } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { hostColumnWidth, idColumnWidth } from '../../src/ui/id-width.js';
import { batch, fakeBackend, makeEntry } from '../store/fixtures.js';

/** The store's entry map, its reads counted (a real map underneath). */
function countingReads(map: ReadonlyMap<string, QueueEntry>): { map: ReadonlyMap<string, QueueEntry>; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(map, {
    get(target, prop) {
      if (prop === 'get' || prop === 'has') reads++;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { map: counted, reads: () => reads };
}

test('a batch widens the column from its own entries, without a lookup per id', () => {
  const store = createConsoleStore({ backend: fakeBackend() });
  store.getState().applySpoolBatch(batch(Array.from({ length: 200 }, (_, i) => makeEntry(`4A${String(i).padStart(8, '0')}`)), [], { full: true }));
  const first = store.getState();
  expect(idColumnWidth(first.entries, null)).toBe(10);
  expect(hostColumnWidth(first.entries, null)).toBe(0);
  const part = [...Array.from({ length: 300 }, (_, i) => makeEntry(`5B${String(i).padStart(8, '0')}`)), makeEntry('4dPxsT1Yb3zQ9mKj', { queueName: 'hold' })];
  store.getState().applySpoolBatch(batch(part));
  const after = store.getState();
  const { map, reads } = countingReads(after.entries);
  const change = { ...after.lastChange!, after: map };
  // A long queue id and mailq's hold marker.
  expect(idColumnWidth(map, change)).toBe('4dPxsT1Yb3zQ9mKj!'.length);
  expect(hostColumnWidth(map, change)).toBe(0);
  expect(reads()).toBe(0);
});
