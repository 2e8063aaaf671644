/**
 * A batch applied in slices (batch-job.ts): the store it commits equals the store that applied
 * the same batch at once (entries, figures, sorted list), nothing changes before the commit,
 * the work really is cut into many steps, and a job whose store moved on is not committed.
 * Real corpus entries, copied under new ids to make a few hundred.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import type { ConsoleStore } from '../../src/store/console-state.js';
import { selectCounts, selectVisibleIds } from '../../src/store/selectors.js';
import { sortRows, comparator, toSortRow } from '../../src/store/sort.js';
import { sortSliced } from '../../src/store/sliced-sort.js';
import { batchJobCounters } from '../../src/store/batch-job.js';
import type { SortKey } from '../../src/store/sort.js';
import { batch, corpusEntries, fakeBackend, moved, NOW_MS } from './fixtures.js';

/** n real entries: the corpus's, again and again under new ids (arrival times spread). */
function manyEntries(n: number, prefix = 'C'): QueueEntry[] {
  const corpus = corpusEntries();
  return Array.from({ length: n }, (_, i) => {
    const e = corpus[i % corpus.length]!;
    const queueId = `${prefix}${String(i).padStart(10, '0')}`;
    return { ...e, queueId, path: `${e.queueName}/${queueId}`, arrivalTime: e.arrivalTime - ((i * 7919) % 86_400) };
  });
}

function storeWith(entries: QueueEntry[], sortKey: SortKey = 'age', reverse = false): ConsoleStore {
  const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS, sortKey });
  if (reverse) store.getState().toggleSortReverse();
  store.getState().applySpoolBatch(batch(entries, [], { full: true }));
  selectVisibleIds(store.getState()); // the list on screen, as the console keeps it current
  return store;
}

/** Run a job to its end one smallest step at a time; returns the number of steps. */
function runJob(store: ConsoleStore, b: SpoolBatch): number {
  const job = store.getState().prepareSpoolBatch(b);
  let steps = 1;
  while (!job.step(() => true)) steps++;
  store.getState().applyPreparedBatch(job);
  return steps;
}

function expectSameStore(a: ConsoleStore, b: ConsoleStore): void {
  const x = a.getState();
  const y = b.getState();
  expect([...x.entries].sort()).toEqual([...y.entries].sort());
  expect(x.queueStats).toEqual(y.queueStats);
  expect(selectCounts(x)).toEqual(selectCounts(y));
  expect(selectVisibleIds(x)).toEqual(selectVisibleIds(y));
}

describe('a batch applied in slices', () => {
  it('commits what applying it at once gives: an index part into a filled store', () => {
    const first = manyEntries(300);
    const part = manyEntries(400, 'D');
    const sliced = storeWith(first);
    const direct = storeWith(first);
    const steps = runJob(sliced, batch(part, [], { listedCounts: { deferred: 700 } }));
    direct.getState().applySpoolBatch(batch(part, [], { listedCounts: { deferred: 700 } }));
    expectSameStore(sliced, direct);
    // Cut into many steps (each yields after a unit of work), not done in one.
    expect(steps).toBeGreaterThan(10);
    // The sorted list came from the job (merged), not from a sort at the next read.
    const fullSorts = sliced.getState().cache.stats.fullSorts;
    selectVisibleIds(sliced.getState());
    expect(sliced.getState().cache.stats.fullSorts).toBe(fullSorts);
  });

  it('commits what applying it at once gives: moves, changes and removals, sorted by sender reversed', () => {
    const first = manyEntries(300);
    const changes = [
      ...first.slice(0, 40).map((e) => moved(e, 'hold')),
      ...first.slice(40, 60).map((e) => ({ ...e, sender: `z${e.sender}` })),
      ...manyEntries(50, 'N'),
    ];
    const removals = first.slice(100, 130).map((e) => e.queueId);
    const sliced = storeWith(first, 'sender', true);
    const direct = storeWith(first, 'sender', true);
    runJob(sliced, batch(changes, removals));
    direct.getState().applySpoolBatch(batch(changes, removals));
    expectSameStore(sliced, direct);
    expect(sliced.getState().entries.size).toBe(300 - 30 + 50);
  });

  it('changes nothing before its commit, and keys act on the store meanwhile', () => {
    const store = storeWith(manyEntries(200));
    const before = store.getState();
    const job = store.getState().prepareSpoolBatch(batch(manyEntries(300, 'D'), [], { listedCounts: { deferred: 500 } }));
    expect(job.step(() => true)).toBe(false);
    store.getState().moveCursor(3);
    expect(job.step(() => true)).toBe(false);
    expect(store.getState().entries).toBe(before.entries);
    expect(store.getState().queueStats).toBe(before.queueStats);
    while (!job.step(() => true));
    store.getState().applyPreparedBatch(job);
    expect(store.getState().entries.size).toBe(500);
    // The cursor stayed on the row the key put it on (ids follow the list).
    expect(store.getState().cursorId).toBe(selectVisibleIds(before)[3]);
  });

  it('is not committed over a store that moved on: the batch is applied the usual way', () => {
    const first = manyEntries(200);
    const part = manyEntries(100, 'D');
    const other = manyEntries(30, 'E');
    const sliced = storeWith(first);
    const direct = storeWith(first);
    const job = sliced.getState().prepareSpoolBatch(batch(part));
    while (!job.step(() => true));
    sliced.getState().applySpoolBatch(batch(other));
    expect(job.commit(sliced.getState())).toBeNull();
    sliced.getState().applyPreparedBatch(job);
    direct.getState().applySpoolBatch(batch(other));
    direct.getState().applySpoolBatch(batch(part));
    expectSameStore(sliced, direct);
  });

  it('takes a distinct batch (as the gate composes them) as its own net change: the same store, no pass to compose it', () => {
    const first = manyEntries(300);
    const part = [...manyEntries(1500, 'D'), ...first.slice(0, 20).map((e) => moved(e, 'hold'))];
    const removals = first.slice(50, 60).map((e) => e.queueId);
    const distinct = storeWith(first);
    const plain = storeWith(first);
    const direct = storeWith(first);
    const distinctSteps = runJob(distinct, batch(part, removals, { distinct: true }));
    const plainSteps = runJob(plain, batch(part, removals));
    direct.getState().applySpoolBatch(batch(part, removals));
    expectSameStore(distinct, direct);
    expectSameStore(plain, direct);
    // One unit of work fewer per id: no map of the part's ids is built (at 100k, a part of
    // 50,000 ids made a 1.8 MB table and as much again while it grew).
    expect(plainSteps - distinctSteps).toBeGreaterThanOrEqual(Math.floor(part.length / 256) - 1);
  });

  it('stacks an index part of new ids on the entries before it: nothing copied, old versions unchanged', () => {
    const first = manyEntries(3000);
    const parts = [manyEntries(500, 'D'), manyEntries(2000, 'E'), manyEntries(4000, 'F')];
    const sliced = storeWith(first);
    const direct = storeWith(first);
    const versions: Array<[ReadonlyMap<string, QueueEntry>, string[]]> = [];
    const copied = batchJobCounters.copied;
    for (const part of parts) {
      const before = sliced.getState().entries;
      versions.push([before, [...before.keys()]]);
      runJob(sliced, batch(part, [], { listedCounts: { deferred: 9500 }, distinct: true }));
      direct.getState().applySpoolBatch(batch(part, [], { listedCounts: { deferred: 9500 } }));
    }
    // Before, each part copied the whole map into a new one: 3,000 + 3,500 + 5,500 entries.
    expect(batchJobCounters.copied - copied).toBe(0);
    expectSameStore(sliced, direct);
    const entries = sliced.getState().entries;
    // The order one Map filled part after part has; every id readable.
    expect([...entries.keys()]).toEqual([...first, ...parts.flat()].map((e) => e.queueId));
    for (const e of [first[0]!, parts[0]![499]!, parts[2]![0]!]) expect(entries.get(e.queueId)).toBe(e);
    expect(entries.has('nope')).toBe(false);
    for (const [old, keys] of versions) expect([...old.keys()]).toEqual(keys);
    // The live batches after the index change the stacked map as any other.
    const later = [moved(first[5]!, 'hold'), ...manyEntries(3, 'G')];
    const removals = [parts[1]![7]!.queueId, first[9]!.queueId];
    runJob(sliced, batch(later, removals));
    direct.getState().applySpoolBatch(batch(later, removals));
    expectSameStore(sliced, direct);
    expect(sliced.getState().entries.get(first[5]!.queueId)?.queueName).toBe('hold');
    expect(sliced.getState().entries.has(removals[0]!)).toBe(false);
  });

  it('copies the entries for a part that changes or removes what is there', () => {
    const first = manyEntries(300);
    const store = storeWith(first);
    const copied = batchJobCounters.copied;
    runJob(store, batch([...manyEntries(50, 'D'), moved(first[0]!, 'hold')], []));
    expect(batchJobCounters.copied - copied).toBe(300);
  });

  it('keeps rows small: the key and the entry, id and arrival read through', () => {
    const e = manyEntries(1)[0]!;
    const row = toSortRow(e, 'sender');
    // And the id's first characters as a number (sort.ts: fewer string comparisons).
    expect(Object.keys(row).sort()).toEqual(['entry', 'idPrefix', 'key']);
    expect([row.id, row.arrival, row.key]).toEqual([e.queueId, e.arrivalTime, e.sender.toLowerCase()]);
  });

  it('sorts in slices to the order of one native sort', () => {
    const rows = manyEntries(1000).map((e) => toSortRow(e, 'sender'));
    const told: number[] = [];
    const run = sortSliced(rows, comparator(false), (units = 1) => (told.push(units), true));
    let step = run.next();
    let steps = 1;
    for (; !step.done; step = run.next()) steps++;
    expect(step.value.map((r) => r.id)).toEqual(sortRows(rows.map((r) => r.entry), 'sender', false).map((r) => r.id));
    // Runs of 256 sorted, then two levels of merges: every row placed three times, at most
    // 256 rows between two looks at the clock (a look per row cost more than the rows).
    expect(told.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(Math.max(...told)).toBeLessThanOrEqual(256);
    expect(steps).toBe(told.length + 1);
  });
});
