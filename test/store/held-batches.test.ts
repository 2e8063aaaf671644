/**
 * Batches held back (src/store/held-batches.ts): composed by id, the later winning, as
 * composeBatches() does; fresh batches (the initial index's: each id new to the feed) are kept
 * as they came, without reading an id to key them, until anything else comes, and the whole
 * composes the same either way.
 */
import { expect, test } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { composeBatches } from '../../src/store/batch-apply.js';
import { Held } from '../../src/store/held-batches.js';
import { batch, makeEntry } from './fixtures.js';

/** Entries whose queueId reads are counted (real entries underneath). */
function counted(entries: QueueEntry[], reads: { n: number }): QueueEntry[] {
  return entries.map((e) => new Proxy(e, { get: (t, p) => (p === 'queueId' && reads.n++, Reflect.get(t, p, t) as unknown) }));
}

const ids = (b: SpoolBatch) => [b.upserts.map((e) => `${e.queueId}:${e.queueName}`).sort(), [...b.removals].sort()];
const part = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => makeEntry(`${prefix}${i}`));

test('fresh batches are held as they came: no id read to key them, all of them in order', () => {
  const reads = { n: 0 };
  const held = new Held();
  const parts = [counted(part('A', 300), reads), counted(part('B', 500), reads), counted(part('C', 200), reads)];
  for (const p of parts) held.add(batch(p, [], { fresh: true, listedCounts: { deferred: 1000 } }));
  expect(held.size).toBe(1000);
  const all = held.all();
  expect(reads.n).toBe(0);
  expect(all.upserts).toEqual(parts.flat());
  expect([all.distinct, all.listedCounts]).toEqual([true, { deferred: 1000 }]);
});

test('fresh batches, then others: the same composition as composeBatches, whole or taken in parts', () => {
  const early = [batch(part('A', 40), [], { fresh: true }), batch(part('B', 30), [], { fresh: true })];
  const later = [
    batch([makeEntry('A3', { queueName: 'hold' }), makeEntry('N1')], ['B7', 'A9']),
    batch(part('C', 20), [], { fresh: true }),
    batch([makeEntry('B7', { queueName: 'active' })], ['C2']),
  ];
  const composed = [...early, ...later].reduce(composeBatches);
  const whole = new Held();
  for (const b of [...early, ...later]) whole.add(b);
  expect(whole.size).toBe(composed.upserts.length + composed.removals.length);
  expect(ids(whole.all())).toEqual(ids(composed));
  // Taken 25 ids at a time, the parts together are the same.
  const parted = new Held();
  for (const b of early) parted.add(b);
  const taken: SpoolBatch[] = [parted.take(25)];
  for (const b of later) parted.add(b);
  while (parted.size > 0) taken.push(parted.take(25));
  expect(taken[0]!.upserts).toHaveLength(25);
  expect(ids(taken.reduce(composeBatches))).toEqual(ids(composed));
});
