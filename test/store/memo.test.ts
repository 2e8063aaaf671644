/**
 * Memoisation at scale: 100,000 entries. A cursor move must not re-sort (no comparator calls,
 * the same array), and a small batch merges instead of re-sorting, with the same result.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectCounts, selectCursorIndex, selectVisibleIds, selectWindow } from '../../src/store/selectors.js';
import { SORT_KEYS, sortCounters, sortEntries } from '../../src/store/sort.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

function rng(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
}

function synthetic(n: number, seed = 7): QueueEntry[] {
  const rand = rng(seed);
  const domains = ['gmail.com', 'outlook.com', 'example.net', 'shop.example', 'yahoo.co.jp'];
  return Array.from({ length: n }, (_, i) =>
    makeEntry(`S${i.toString(36).toUpperCase().padStart(9, '0')}`, {
      queueName: QUEUE_NAMES[rand(6)]!,
      arrivalTime: NOW_SEC - rand(86400 * 7),
      mtime: NOW_SEC + rand(3600),
      messageSize: 500 + rand(2_000_000),
      sender: `user${rand(5000)}@${domains[rand(5)]}`,
      to: [`rcpt${rand(900)}@${domains[rand(5)]}`],
      reasons: [rand(3) === 0 ? '' : `4${rand(10)}0 try later ${rand(50)}`],
    }),
  );
}

/** The visible list from scratch, as the oracle. */
function fromScratch(entries: Iterable<QueueEntry>, key: (typeof SORT_KEYS)[number], reverse: boolean): string[] {
  return sortEntries([...entries].filter((e) => e.state !== 'incomplete'), key, reverse);
}

describe('memoised selectors at 100,000 entries', () => {
  const big = synthetic(100_000);

  it('cursor moves, marks and flashes do not re-sort; the window is the only work', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS, viewportHeight: 20 });
    store.getState().applySpoolBatch(batch(big, [], { full: true }));
    const ids = selectVisibleIds(store.getState());
    expect(ids).toHaveLength(100_000);
    const cache = store.getState().cache;
    expect(cache.stats.fullSorts).toBe(1);
    const comparisons = sortCounters.comparisons;
    const sorts = sortCounters.sorts;
    let window = selectWindow(store.getState());
    for (let i = 0; i < 200; i++) {
      store.getState().moveCursor(i % 7 === 0 ? 25 : 1);
      const w = selectWindow(store.getState());
      expect(w).not.toBe(window);
      expect(w.rows).toHaveLength(20);
      expect(w.rows.some((r) => r.cursor)).toBe(true);
      window = w;
    }
    store.getState().toggleMark(true);
    store.getState().pageDown();
    store.getState().setFlash('hello');
    expect(selectVisibleIds(store.getState())).toBe(ids);
    expect(sortCounters.comparisons).toBe(comparisons);
    expect(sortCounters.sorts).toBe(sorts);
    expect(cache.stats.fullSorts).toBe(1);
    // the id -> index map is never built for plain moves
    expect(cache.visible!.index).toBeNull();
    // an unchanged state gives the same window object (safe for useStore)
    const w1 = selectWindow(store.getState());
    store.getState().setFlash('again');
    expect(selectWindow(store.getState())).toBe(w1);
    expect(selectCursorIndex(store.getState())).toBe(w1.cursorIndex);
  });

  it('a small batch merges into the sorted list; the result equals a full sort', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
    store.getState().applySpoolBatch(batch(big, [], { full: true }));
    selectVisibleIds(store.getState());
    store.getState().setCursorIndex(50_000);
    const cursorId = store.getState().cursorId;
    const cache = store.getState().cache;
    const rand = rng(99);
    const fresh = synthetic(50, 1234).map((e, i) => ({ ...e, queueId: `NEW${i}` }));
    const changed = [big[5]!, big[77]!, big[4242]!].map((e) => ({ ...e, arrivalTime: e.arrivalTime - rand(1000) }));
    const before = sortCounters.comparisons;
    store.getState().applySpoolBatch(batch([...fresh, ...changed], [big[10]!.queueId, big[99_999]!.queueId]));
    const ids = selectVisibleIds(store.getState());
    const used = sortCounters.comparisons - before;
    expect(cache.stats.merges).toBe(1);
    expect(cache.stats.fullSorts).toBe(1);
    // a merge: about n + k log k comparisons, far below a sort's n log n (~1.6 million)
    expect(used).toBeLessThan(150_000);
    expect(ids).toEqual(fromScratch(store.getState().entries.values(), 'age', false));
    // the cursor's row moved; it is found by binary search, without an id -> index map
    const at = selectCursorIndex(store.getState());
    expect(ids[at]).toBe(cursorId);
    expect(at).not.toBe(50_000);
    expect(cache.visible!.index).toBeNull();
  });

  it('a new filter or queue view filters the sorted list: no sort', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
    store.getState().applySpoolBatch(batch(big, [], { full: true }));
    selectVisibleIds(store.getState());
    const sorts = sortCounters.sorts;
    store.getState().setQueueFilter('deferred');
    const deferred = selectVisibleIds(store.getState());
    store.getState().setFilterText('to:gmail !reason:/try later 1/ size>100k');
    const filtered = selectVisibleIds(store.getState());
    store.getState().setQueueFilter('all');
    const all = selectVisibleIds(store.getState());
    expect(sortCounters.sorts).toBe(sorts);
    const f = store.getState().filter;
    expect(deferred).toEqual(fromScratch(big.filter((e) => e.queueName === 'deferred'), 'age', false));
    expect(filtered).toEqual(fromScratch(big.filter((e) => e.queueName === 'deferred' && f.match(e, NOW_MS)), 'age', false));
    expect(all).toEqual(fromScratch(big.filter((e) => f.match(e, NOW_MS)), 'age', false));
    expect(all.length).toBeGreaterThan(filtered.length);
    // a new sort key sorts once
    const before = sortCounters.sorts;
    store.getState().setSort('sender');
    selectVisibleIds(store.getState());
    expect(sortCounters.sorts).toBe(before + 1);
  });

  it('with an age filter a batch still merges (the clock moves only on tick)', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
    store.getState().applySpoolBatch(batch(big, [], { full: true }));
    store.getState().setFilterText('age>2d');
    selectVisibleIds(store.getState());
    const { filters, merges } = store.getState().cache.stats;
    const young = { ...big[1]!, arrivalTime: NOW_SEC - 60 };
    const old = { ...big[2]!, arrivalTime: NOW_SEC - 5 * 86400 };
    store.getState().applySpoolBatch(batch([young, old]));
    const ids = selectVisibleIds(store.getState());
    const stats = store.getState().cache.stats;
    expect(stats.filters).toBe(filters);
    expect(stats.merges).toBeGreaterThan(merges);
    expect(ids).toContain(old.queueId);
    expect(ids).not.toContain(young.queueId);
    const f = store.getState().filter;
    expect(ids).toEqual(fromScratch([...store.getState().entries.values()].filter((e) => f.match(e, NOW_MS)), 'age', false));
  });

  it('selectCounts equals a count by hand at 100k', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
    store.getState().applySpoolBatch(batch(big, [], { full: true }));
    const counts = selectCounts(store.getState());
    for (const q of QUEUE_NAMES) expect(counts.queues[q].count).toBe(big.filter((e) => e.queueName === q).length);
    expect(counts.total.count).toBe(100_000);
  });
});

describe('incremental merge is exact', () => {
  it.each(SORT_KEYS.flatMap((k) => [[k, false] as const, [k, true] as const]))(
    'sort %s reverse=%s over random batches with a filter and a queue view',
    (key, reverse) => {
      const base = synthetic(3000, 5);
      const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
      store.getState().applySpoolBatch(batch(base, [], { full: true }));
      store.getState().setSort(key, reverse);
      store.getState().setFilterText('!reason:"try later 1"');
      const rand = rng(key.length * 31 + (reverse ? 1 : 0));
      const pool = synthetic(600, 77).map((e, i) => ({ ...e, queueId: base[i * 5]?.queueId ?? e.queueId }));
      for (let round = 0; round < 40; round++) {
        if (round === 20) store.getState().setQueueFilter('deferred');
        const upserts = Array.from({ length: 1 + rand(30) }, () => pool[rand(pool.length)]!);
        const removals = Array.from({ length: rand(10) }, () => base[rand(base.length)]!.queueId);
        store.getState().applySpoolBatch(batch(upserts, removals));
        const s = store.getState();
        const expected = fromScratch(
          [...s.entries.values()].filter((e) => (round < 20 || e.queueName === 'deferred') && s.filter.match(e, NOW_MS)),
          key,
          reverse,
        );
        expect(selectVisibleIds(s)).toEqual(expected);
      }
      // rounds 1-19 merge (round 0 and the queue switch at 20 sort in full), most after it too
      expect(store.getState().cache.stats.merges).toBeGreaterThanOrEqual(19);
    },
  );
});
