import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { computeQueueStats } from '../../src/store/queue-stats.js';
import { selectCounts, selectVisibleIds, selectWindow } from '../../src/store/selectors.js';
import { batch, corpusEntries, fakeBackend, makeEntry, moved, NOW_MS, NOW_SEC } from './fixtures.js';

function freshStore() {
  return createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
}

/** Stats by hand from a list of entries: the oracle for the incremental figures. */
function expectedStats(entries: Iterable<QueueEntry>) {
  const out: Record<string, { count: number; totalSize: number; oldestArrival: number | null }> = {};
  for (const q of QUEUE_NAMES) out[q] = { count: 0, totalSize: 0, oldestArrival: null };
  for (const e of entries) {
    if (e.state === 'incomplete') continue; // being written, or a stray file: not a message
    const s = out[e.queueName]!;
    s.count += 1;
    s.totalSize += e.messageSize;
    s.oldestArrival = s.oldestArrival === null ? e.arrivalTime : Math.min(s.oldestArrival, e.arrivalTime);
  }
  return out;
}

describe('applySpoolBatch', () => {
  it('indexes the real corpus: stats for all six queues equal a count by hand', () => {
    const store = freshStore();
    const corpus = corpusEntries();
    store.getState().applySpoolBatch(batch(corpus, [], { full: true }));
    const s = store.getState();
    expect(s.entries.size).toBe(corpus.length);
    expect(s.queueStats).toEqual(expectedStats(corpus));
    // MANIFEST.md: queue files maildrop 3, incoming 3, active 2, deferred 22, hold 3, corrupt 4;
    // the strays (maildrop/README, active/core) and the incoming file still being written
    // (0600, tags.tsv incoming-incomplete) are in the map but are not messages.
    expect(s.entries.has('README')).toBe(true);
    expect(QUEUE_NAMES.map((q) => s.queueStats[q].count)).toEqual([3, 2, 2, 22, 3, 4]);
    expect(selectVisibleIds(s)).toHaveLength(36);
    expect(selectVisibleIds(s)).not.toContain('52AAC22C26C');
  });

  it('shows all six queues with zeros before anything arrives', () => {
    const counts = selectCounts(freshStore().getState());
    expect(Object.keys(counts.queues)).toEqual([...QUEUE_NAMES]);
    for (const q of QUEUE_NAMES) expect(counts.queues[q]).toMatchObject({ count: 0, totalSize: 0, oldestArrival: null });
    expect(counts.total.count).toBe(0);
  });

  it('a move between queues is one upsert: counts, sizes and oldest follow it', () => {
    const store = freshStore();
    const old = makeEntry('OLDEST0001', { arrivalTime: NOW_SEC - 9000, messageSize: 10 });
    const mid = makeEntry('MIDDLE0002', { arrivalTime: NOW_SEC - 5000, messageSize: 20 });
    const young = makeEntry('YOUNG00003', { arrivalTime: NOW_SEC - 10, messageSize: 30, queueName: 'hold' });
    store.getState().applySpoolBatch(batch([old, mid, young]));
    const before = store.getState().entries;
    store.getState().applySpoolBatch(batch([moved(old, 'hold')]));
    const s = store.getState();
    expect(s.entries).not.toBe(before); // replaced, not mutated
    expect(before.get('OLDEST0001')!.queueName).toBe('deferred');
    expect(s.entries.size).toBe(3);
    expect(s.queueStats.deferred).toEqual({ count: 1, totalSize: 20, oldestArrival: NOW_SEC - 5000 });
    expect(s.queueStats.hold).toEqual({ count: 2, totalSize: 40, oldestArrival: NOW_SEC - 9000 });
    expect(s.queueStats).toEqual(expectedStats(s.entries.values()));
  });

  it('removals drop entries and recompute the oldest; unknown ids are ignored', () => {
    const store = freshStore();
    const a = makeEntry('AAAAAA0001', { arrivalTime: 100 });
    const b = makeEntry('BBBBBB0002', { arrivalTime: 200 });
    store.getState().applySpoolBatch(batch([a, b]));
    store.getState().applySpoolBatch(batch([], ['AAAAAA0001', 'NOSUCHID99']));
    const s = store.getState();
    expect([...s.entries.keys()]).toEqual(['BBBBBB0002']);
    expect(s.queueStats.deferred).toEqual({ count: 1, totalSize: 1000, oldestArrival: 200 });
    store.getState().applySpoolBatch(batch([], ['BBBBBB0002']));
    expect(store.getState().queueStats.deferred).toEqual({ count: 0, totalSize: 0, oldestArrival: null });
  });

  it('a full batch removes what it does not contain', () => {
    const store = freshStore();
    store.getState().applySpoolBatch(batch([makeEntry('KEEP000001'), makeEntry('GONE000002', { queueName: 'active' })]));
    const keep = makeEntry('KEEP000001', { queueName: 'hold' });
    store.getState().applySpoolBatch(batch([keep, makeEntry('NEW0000003')], [], { full: true }));
    const s = store.getState();
    expect([...s.entries.keys()].sort()).toEqual(['KEEP000001', 'NEW0000003']);
    expect(s.queueStats.active.count).toBe(0);
    expect(s.queueStats.hold.count).toBe(1);
    expect(s.queueStats).toEqual(expectedStats(s.entries.values()));
  });

  it('an id upserted twice or upserted and removed in one batch counts once', () => {
    const store = freshStore();
    const a = makeEntry('DOUBLE0001', { messageSize: 5 });
    store.getState().applySpoolBatch(batch([a]));
    store.getState().applySpoolBatch(batch([moved(a, 'active'), moved(a, 'hold'), makeEntry('FLASH00002')], ['FLASH00002']));
    const s = store.getState();
    expect(s.entries.size).toBe(1);
    expect(s.entries.get('DOUBLE0001')!.queueName).toBe('hold');
    expect(s.queueStats).toEqual(expectedStats(s.entries.values()));
  });

  it('stays exact over thousands of random batches (incremental = from scratch)', () => {
    const store = freshStore();
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids = Array.from({ length: 300 }, (_, i) => `RND${String(i).padStart(7, '0')}`);
    for (let round = 0; round < 2000; round++) {
      const upserts: QueueEntry[] = [];
      const removals: string[] = [];
      for (let k = rand(6); k >= 0; k--) {
        const id = ids[rand(ids.length)]!;
        if (rand(3) === 0) removals.push(id);
        else upserts.push(makeEntry(id, { queueName: QUEUE_NAMES[rand(6)]!, arrivalTime: rand(1000), messageSize: rand(5000) }));
      }
      const full = rand(200) === 0;
      const all = full ? [...store.getState().entries.values()].filter(() => rand(2) === 0) : [];
      store.getState().applySpoolBatch(batch(full ? all : upserts, full ? [] : removals, { full }));
    }
    const s = store.getState();
    expect(s.entries.size).toBeGreaterThan(0);
    expect(s.queueStats).toEqual(expectedStats(s.entries.values()));
    expect(s.queueStats).toEqual(computeQueueStats(s.entries.values()));
  });

  it('a file being written (0600) becomes a message when it turns 0700', () => {
    const store = freshStore();
    const writing = makeEntry('INCOMING01', { queueName: 'incoming', state: 'incomplete', mode: 0o600, listed: false });
    store.getState().applySpoolBatch(batch([writing]));
    expect(store.getState().queueStats.incoming.count).toBe(0);
    expect(selectVisibleIds(store.getState())).toEqual([]);
    store.getState().applySpoolBatch(batch([{ ...writing, state: 'ok', mode: 0o700, listed: true }]));
    expect(store.getState().queueStats.incoming.count).toBe(1);
    expect(selectVisibleIds(store.getState())).toEqual(['INCOMING01']);
    store.getState().applySpoolBatch(batch([], ['INCOMING01']));
    expect(store.getState().queueStats.incoming).toEqual({ count: 0, totalSize: 0, oldestArrival: null });
  });

  it('a rescan of a quiet spool changes nothing downstream (same map, list and window)', () => {
    const store = freshStore();
    const corpus = corpusEntries();
    store.getState().applySpoolBatch(batch(corpus, [], { full: true }));
    const entries = store.getState().entries;
    const ids = selectVisibleIds(store.getState());
    const window = selectWindow(store.getState());
    // new objects with the same facts, as a poller or a re-read produces them
    const copies = corpus.map((e) => structuredClone(e));
    store.getState().applySpoolBatch(batch(copies, [], { full: true }));
    store.getState().applySpoolBatch(batch(copies.slice(0, 5)));
    expect(store.getState().entries).toBe(entries);
    expect(selectVisibleIds(store.getState())).toBe(ids);
    expect(selectWindow(store.getState())).toBe(window);
    // a new delay reason is a change
    const first = copies.find((e) => e.recipients.length > 0 && e.state === 'ok')!;
    const changed = { ...first, recipients: first.recipients.map((r) => ({ ...r, delayReason: 'new reason' })) };
    store.getState().applySpoolBatch(batch([changed]));
    expect(store.getState().entries).not.toBe(entries);
    expect(store.getState().entries.get(first.queueId)!.recipients[0]!.delayReason).toBe('new reason');
    expect(store.getState().lastChange!.touched).toEqual([first.queueId]);
  });

  it('one set() per batch, however big', () => {
    const store = freshStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    const many = Array.from({ length: 5000 }, (_, i) => makeEntry(`BULK${String(i).padStart(6, '0')}`));
    store.getState().applySpoolBatch(batch(many));
    store.getState().applySpoolBatch(batch([], many.slice(0, 2500).map((e) => e.queueId)));
    expect(notifications).toBe(2);
    expect(store.getState().batchCount).toBe(2);
  });

  it('shows the listing counts while the initial index reads, then the real ones', () => {
    const store = freshStore();
    const listed: Partial<Record<QueueName, number>> = { deferred: 1000, hold: 3 };
    store.getState().applySpoolBatch(batch([makeEntry('FIRST00001')], [], { listedCounts: listed }));
    let counts = selectCounts(store.getState());
    expect(counts.indexing).toBe(true);
    expect(counts.queues.deferred).toMatchObject({ count: 1000, indexed: 1 });
    expect(counts.queues.hold.count).toBe(3);
    expect(counts.queues.active.count).toBe(0);
    expect(counts.total.count).toBe(1003);
    store.getState().applySpoolBatch(batch([makeEntry('SECOND0002')]));
    counts = selectCounts(store.getState());
    expect(counts.indexing).toBe(false);
    expect(counts.queues.deferred).toMatchObject({ count: 2, indexed: 2 });
    expect(counts.queues.hold.count).toBe(0);
  });

  it('selectCounts is memoised: same object until the stats change', () => {
    const store = freshStore();
    store.getState().applySpoolBatch(batch([makeEntry('MEMO000001')]));
    const a = selectCounts(store.getState());
    store.getState().moveCursor(1);
    store.getState().setFlash('hello');
    expect(selectCounts(store.getState())).toBe(a);
    store.getState().applySpoolBatch(batch([makeEntry('MEMO000002')]));
    expect(selectCounts(store.getState())).not.toBe(a);
  });

  it('marks follow a moved id and drop a removed one', () => {
    const store = freshStore();
    const a = makeEntry('MARKED0001');
    const b = makeEntry('MARKED0002');
    store.getState().applySpoolBatch(batch([a, b]));
    store.getState().markAllMatching();
    store.getState().applySpoolBatch(batch([moved(a, 'hold')], ['MARKED0002']));
    expect([...store.getState().marks]).toEqual(['MARKED0001']);
  });

  it('watcher status: starting until the first batch, then live; polling with a reason', () => {
    const store = freshStore();
    expect(store.getState().watcher.mode).toBe('starting');
    store.getState().applySpoolBatch(batch([]));
    expect(store.getState().watcher.mode).toBe('live');
    store.getState().setWatcherStatus({ mode: 'polling', message: 'inotify watch limit reached: rescanning every 2 s' });
    expect(store.getState().watcher).toEqual({ mode: 'polling', message: 'inotify watch limit reached: rescanning every 2 s', warnings: [] });
    store.getState().setWatcherStatus({ mode: 'error', message: 'cannot read /tmp/\u001b[2Jspool', warnings: ['w\u0007'] });
    expect(store.getState().watcher).toEqual({ mode: 'error', message: 'cannot read /tmp/^[[2Jspool', warnings: ['w^G'] });
  });

  it('paused: batches are held back and land as one on resume, equal to applying them in turn', () => {
    const paused = freshStore();
    const direct = freshStore();
    const batches: SpoolBatch[] = [
      batch([makeEntry('P000000001'), makeEntry('P000000002')]),
      batch([moved(makeEntry('P000000001'), 'hold')], ['P000000002']),
      batch([makeEntry('P000000003', { queueName: 'active' })]),
      batch([makeEntry('P000000002')], ['P000000003']),
    ];
    paused.getState().applySpoolBatch(batches[0]!);
    direct.getState().applySpoolBatch(batches[0]!);
    paused.getState().togglePaused();
    const frozen = paused.getState().entries;
    for (const b of batches.slice(1)) {
      paused.getState().applySpoolBatch(b);
      direct.getState().applySpoolBatch(b);
    }
    expect(paused.getState().entries).toBe(frozen);
    expect(paused.getState().paused).toBe(true);
    paused.getState().togglePaused();
    const s = paused.getState();
    expect(s.paused).toBe(false);
    expect(s.heldBatch).toBeNull();
    expect(new Map([...s.entries].map(([k, v]) => [k, v.queueName]))).toEqual(
      new Map([...direct.getState().entries].map(([k, v]) => [k, v.queueName])),
    );
    expect(s.queueStats).toEqual(direct.getState().queueStats);
  });
});
