import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import {
  selectCursorEntry,
  selectCursorIndex,
  selectMarkedHidden,
  selectVisibleIds,
  selectWindow,
} from '../../src/store/selectors.js';
import { SORT_KEYS, type SortKey } from '../../src/store/sort.js';
import { batch, corpusEntries, fakeBackend, makeEntry, moved, NOW_MS, NOW_SEC } from './fixtures.js';

function storeWith(entries: QueueEntry[], viewportHeight = 5) {
  const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS, viewportHeight });
  store.getState().applySpoolBatch(batch(entries));
  return store;
}

/** Ten entries E00..E09: E00 oldest; sizes, senders, domains and reasons in known orders. */
function ten(): QueueEntry[] {
  return Array.from({ length: 10 }, (_, i) =>
    makeEntry(`E0${i}ABCDEF`, {
      arrivalTime: NOW_SEC - 10000 + i * 100,
      mtime: NOW_SEC + 1000 - i * 10, // later arrivals retry sooner
      messageSize: (i * 7) % 10, // 0 7 4 1 8 5 2 9 6 3
      sender: `${String.fromCharCode(106 - i)}@example.org`, // j..a
      to: i % 2 ? [`u@d${i}.example`] : [],
      reasons: [i % 3 === 0 ? '' : `r${9 - i}`],
      queueName: i < 5 ? 'deferred' : 'hold',
    }),
  );
}
const id = (i: number) => `E0${i}ABCDEF`;

describe('sort orders', () => {
  const expected: Record<SortKey, number[]> = {
    age: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    // 0-4 deferred, by mtime; 5-9 on hold have no next retry: last, by age
    retry: [4, 3, 2, 1, 0, 5, 6, 7, 8, 9],
    size: [7, 4, 1, 8, 5, 2, 9, 6, 3, 0],
    sender: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    // odd ones have d1..d9 domains; even ones have none: last, by age
    domain: [1, 3, 5, 7, 9, 0, 2, 4, 6, 8],
    // only odd ones have a recipient: r8 (1) r4 (5) r2 (7); 3 and 9 have none; the rest last
    reason: [7, 5, 1, 0, 2, 3, 4, 6, 8, 9],
    // one lifetime for all (no null sender): arrival order
    expires: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  };
  it.each(SORT_KEYS)('%s, and reversed', (key) => {
    const store = storeWith(ten());
    store.getState().setSort(key);
    expect(selectVisibleIds(store.getState())).toEqual(expected[key].map(id));
    store.getState().toggleSortReverse();
    expect(selectVisibleIds(store.getState())).toEqual([...expected[key]].reverse().map(id));
  });

  it('retry: on the corpus, every deferred message before every row without a retry', () => {
    const store = storeWith(corpusEntries());
    store.getState().setSort('retry');
    const queues = selectVisibleIds(store.getState()).map((i) => store.getState().entries.get(i)!.queueName);
    const firstOther = queues.findIndex((q) => q !== 'deferred');
    expect(firstOther).toBeGreaterThan(0);
    expect(queues.slice(firstOther)).not.toContain('deferred');
    expect(new Set(queues.slice(firstOther))).toEqual(new Set(['maildrop', 'incoming', 'active', 'hold', 'corrupt']));
  });

  it('cycleSort walks the keys and wraps', () => {
    const store = storeWith([]);
    const seen: SortKey[] = [];
    for (let i = 0; i < SORT_KEYS.length + 1; i++) {
      seen.push(store.getState().sortKey);
      store.getState().cycleSort();
    }
    expect(seen).toEqual([...SORT_KEYS, 'age']);
  });
});

describe('cursor', () => {
  it('follows its id across a re-sort and a move between queues', () => {
    const store = storeWith(ten());
    store.getState().setCursorId(id(3));
    expect(selectCursorIndex(store.getState())).toBe(3);
    store.getState().setSort('sender');
    expect(selectCursorEntry(store.getState())!.queueId).toBe(id(3));
    expect(selectCursorIndex(store.getState())).toBe(6);
    store.getState().applySpoolBatch(batch([moved(ten()[3]!, 'active')]));
    expect(selectCursorEntry(store.getState())).toMatchObject({ queueId: id(3), queueName: 'active' });
  });

  it('stays at its row when its entry leaves, and clamps at the ends', () => {
    const store = storeWith(ten());
    store.getState().setCursorIndex(4);
    store.getState().applySpoolBatch(batch([], [id(4)]));
    expect(selectCursorEntry(store.getState())!.queueId).toBe(id(5));
    store.getState().moveCursor(-100);
    expect(selectCursorIndex(store.getState())).toBe(0);
    store.getState().cursorBottom();
    expect(selectCursorEntry(store.getState())!.queueId).toBe(id(9));
    store.getState().moveCursor(5);
    expect(selectCursorIndex(store.getState())).toBe(8);
    store.getState().applySpoolBatch(batch([], [id(8), id(9)]));
    expect(selectCursorEntry(store.getState())!.queueId).toBe(id(7));
  });

  it('queue view: only that queue, cursor at the top unless its id is there', () => {
    const store = storeWith(ten());
    store.getState().setCursorId(id(7));
    store.getState().setQueueFilter('hold');
    expect(selectVisibleIds(store.getState())).toEqual([5, 6, 7, 8, 9].map(id));
    expect(selectCursorEntry(store.getState())!.queueId).toBe(id(7));
    store.getState().setQueueFilter('deferred');
    expect(selectCursorIndex(store.getState())).toBe(0);
    store.getState().setQueueFilter('corrupt');
    expect(selectCursorIndex(store.getState())).toBe(-1);
    expect(selectCursorEntry(store.getState())).toBeNull();
    expect(selectWindow(store.getState()).rows).toEqual([]);
  });

  it('a batch outside the queue view keeps the same window object (no re-render)', () => {
    const store = storeWith(ten());
    store.getState().setQueueFilter('hold');
    const w = selectWindow(store.getState());
    store.getState().applySpoolBatch(batch([{ ...ten()[1]!, messageSize: 12345 }], [id(2)]));
    expect(selectWindow(store.getState())).toBe(w);
    store.getState().applySpoolBatch(batch([{ ...ten()[6]!, messageSize: 12345 }]));
    const w2 = selectWindow(store.getState());
    expect(w2).not.toBe(w);
    expect(w2.rows.find((r) => r.entry.queueId === id(6))!.entry.messageSize).toBe(12345);
  });

  it('the window scrolls like less: only when the cursor leaves it', () => {
    const store = storeWith(ten(), 4);
    const rows = () => selectWindow(store.getState()).rows.map((r) => r.index);
    expect(rows()).toEqual([0, 1, 2, 3]);
    store.getState().moveCursor(3);
    expect(rows()).toEqual([0, 1, 2, 3]);
    store.getState().moveCursor(1);
    expect(rows()).toEqual([1, 2, 3, 4]);
    store.getState().moveCursor(-2);
    expect(rows()).toEqual([1, 2, 3, 4]);
    store.getState().pageDown();
    expect(selectCursorIndex(store.getState())).toBe(6);
    expect(rows()).toEqual([3, 4, 5, 6]);
    store.getState().cursorBottom();
    expect(rows()).toEqual([6, 7, 8, 9]);
    const w = selectWindow(store.getState());
    expect(w.rows.filter((r) => r.cursor).map((r) => r.index)).toEqual([9]);
    expect(w).toMatchObject({ start: 6, total: 10, cursorIndex: 9, height: 4 });
    store.getState().pageUp();
    expect(selectCursorIndex(store.getState())).toBe(5);
    // a taller window for another component: at most the list
    expect(selectWindow(store.getState(), 20).rows).toHaveLength(10);
  });
});

describe('marks', () => {
  it('space toggles and advances; a range from the anchor; clear', () => {
    const store = storeWith(ten());
    store.getState().toggleMark(true);
    expect([...store.getState().marks]).toEqual([id(0)]);
    expect(selectCursorIndex(store.getState())).toBe(1);
    store.getState().moveCursor(-1);
    store.getState().toggleMark();
    expect(store.getState().marks.size).toBe(0);
    store.getState().setCursorIndex(2);
    store.getState().toggleMark();
    store.getState().setCursorIndex(5);
    store.getState().markRange();
    expect([...store.getState().marks].sort()).toEqual([2, 3, 4, 5].map(id));
    // a range backwards, from the new anchor (5)
    store.getState().setCursorIndex(0);
    store.getState().markRange();
    expect(store.getState().marks.size).toBe(6);
    const w = selectWindow(store.getState(), 10);
    expect(w.rows.filter((r) => r.marked).map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    store.getState().clearMarks();
    expect(store.getState().marks.size).toBe(0);
  });

  it('mark all matching the filter, and count the marked ones the filter hides', () => {
    const store = storeWith(ten());
    store.getState().setFilterText('queue:hold !from:zz');
    store.getState().markAllMatching();
    expect([...store.getState().marks].sort()).toEqual([5, 6, 7, 8, 9].map(id));
    expect(selectMarkedHidden(store.getState())).toBe(0);
    store.getState().setFilterText('from:/^[a-b]@/');
    expect(selectVisibleIds(store.getState())).toEqual([8, 9].map(id));
    expect(selectMarkedHidden(store.getState())).toBe(3);
    store.getState().setQueueFilter('deferred');
    expect(selectMarkedHidden(store.getState())).toBe(5);
  });

  it('marks survive on real corpus entries and the window shows them', () => {
    const store = storeWith(corpusEntries(), 10);
    store.getState().setFilterText('to:lists.example.com');
    const ids = selectVisibleIds(store.getState());
    expect(ids.length).toBeGreaterThan(0);
    store.getState().markAllMatching();
    store.getState().setFilterText('');
    expect(selectMarkedHidden(store.getState())).toBe(0);
    expect(store.getState().marks.size).toBe(ids.length);
  });
});

describe('filter in the store', () => {
  it('a parse error keeps the previous filter and says where', () => {
    const store = storeWith(ten());
    store.getState().setFilterText('queue:hold');
    expect(selectVisibleIds(store.getState())).toHaveLength(5);
    store.getState().setFilterText('queue:hold from:');
    const s = store.getState();
    expect(s.filterText).toBe('queue:hold from:');
    expect(s.filterError).toEqual({ position: 16, message: expect.stringMatching(/from: needs a value/) });
    expect(s.filter.text).toBe('queue:hold');
    expect(selectVisibleIds(s)).toHaveLength(5);
    store.getState().setFilterText('queue:hold from:a@');
    expect(store.getState().filterError).toBeNull();
    expect(selectVisibleIds(store.getState())).toEqual([id(9)]);
  });

  it('an age filter follows the clock (tick)', () => {
    let now = NOW_MS;
    const store = createConsoleStore({ backend: fakeBackend(), now: () => now });
    store.getState().applySpoolBatch(batch([makeEntry('AGED000001', { arrivalTime: NOW_SEC - 3000 })]));
    store.getState().setFilterText('age>1h');
    expect(selectVisibleIds(store.getState())).toEqual([]);
    now += 700_000;
    store.getState().tick();
    expect(selectVisibleIds(store.getState())).toEqual(['AGED000001']);
  });
});
