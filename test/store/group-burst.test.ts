/**
 * The who/why views under bursts: a batch costs what it changed. The first batch after a
 * build that takes the newest message of a big group reads that message only (the group's
 * extremes are in heaps from the build on, not rescanned from its 300 messages), and a view
 * sorted by age gives the same rows array on every read until a batch changes them (a cursor
 * key sorts nothing).
 */
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { GroupIndex } from '../../src/store/group-index.js';
import { sortGroups } from '../../src/store/groupings.js';
import { currentGroups } from '../../src/ui/groups-query.js';
import { batch, fakeBackend, makeEntry, moved, NOW_MS, NOW_SEC } from './fixtures.js';

/** An entry whose arrival time counts its reads (what a rescan of the group would do). */
function counted(e: QueueEntry, reads: { n: number }): QueueEntry {
  const arrival = e.arrivalTime;
  return Object.defineProperty({ ...e }, 'arrivalTime', { get: () => (reads.n++, arrival), enumerable: true });
}

describe('groupings under bursts', () => {
  it("the first batch that takes a big group's newest message reads only that message", () => {
    const reads = { n: 0 };
    const entries = Array.from({ length: 300 }, (_, i) => counted(makeEntry(`N${i.toString().padStart(9, '0')}`, { sender: 'flood@x.example', arrivalTime: NOW_SEC - 10 * i }), reads));
    const before = new Map(entries.map((e) => [e.queueId, e]));
    const index = new GroupIndex('sender', () => true);
    index.reset(entries, NOW_SEC, before);
    expect(index.rows(NOW_SEC)[0]).toMatchObject({ messages: 300, newest: NOW_SEC, oldest: NOW_SEC - 2990 });
    const after = new Map(before);
    after.delete(entries[0]!.queueId);
    reads.n = 0;
    expect(index.follow(before, after, [entries[0]!], [])).toBe(true);
    expect(index.rows(NOW_SEC)[0]).toMatchObject({ messages: 299, newest: NOW_SEC - 10, oldest: NOW_SEC - 2990 });
    // The removed message (its bucket, its extremes), not the 299 others.
    expect(reads.n).toBeLessThanOrEqual(5);
  });

  it("a big group's extremes stay exact while most of it leaves, some comes back, and retries move", () => {
    const entries = Array.from({ length: 400 }, (_, i) => makeEntry(`X${i.toString().padStart(9, '0')}`, { sender: 'bulk@x.example', queueName: i % 3 ? 'deferred' : 'hold', arrivalTime: NOW_SEC - ((i * 7919) % 5000), mtime: NOW_SEC + ((i * 104729) % 3000) }));
    let version = new Map(entries.map((e) => [e.queueId, e]));
    const index = new GroupIndex('sender', () => true);
    index.reset(entries, NOW_SEC, version);
    const live = new Set(entries);
    for (let step = 0; step < 60; step++) {
      // Five out (the oldest, the newest, the soonest retry among them), and now and then one back.
      const sorted = [...live].sort((a, b) => a.arrivalTime - b.arrivalTime);
      const retries = [...live].filter((e) => e.queueName === 'deferred').sort((a, b) => a.mtime - b.mtime);
      const out = [...new Set([sorted[0]!, sorted.at(-1)!, retries[0] ?? sorted[1]!, sorted[5]!, sorted[9]!])];
      const back = step % 4 === 3 ? entries.filter((e) => !live.has(e)).slice(0, 3) : [];
      const next = new Map(version);
      for (const e of out) (next.delete(e.queueId), live.delete(e));
      for (const e of back) (next.set(e.queueId, e), live.add(e));
      expect(index.follow(version, next, out, back)).toBe(true);
      version = next;
      const row = index.rows(NOW_SEC)[0]!;
      const all = [...live];
      const deferred = all.filter((e) => e.queueName === 'deferred');
      expect(row, `step ${step}`).toMatchObject({
        messages: all.length,
        oldest: Math.min(...all.map((e) => e.arrivalTime)),
        newest: Math.max(...all.map((e) => e.arrivalTime)),
        nextRetry: deferred.length ? Math.min(...deferred.map((e) => e.mtime)) : null,
      });
    }
    expect(live.size).toBeLessThan(200);
  });

  it('a sorted view gives the same rows until a batch changes them', () => {
    const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
    const entries = Array.from({ length: 40 }, (_, i) => makeEntry(`S${i.toString().padStart(9, '0')}`, { sender: `s${i % 9}@x.example`, arrivalTime: NOW_SEC - 100 * i }));
    store.getState().applySpoolBatch({ upserts: entries, removals: [], full: true, firstEventAt: null });
    const view = (groupsReverse: boolean) => currentGroups(store.getState(), { groupsBy: 'sender', groupsSort: 'oldest', groupsReverse }).rows;
    const first = view(false);
    expect(first).toEqual(sortGroups(first, 'oldest'));
    expect(first.map((r) => r.oldest)).toEqual(first.map((r) => r.oldest).sort((a, b) => a - b));
    expect(view(false)).toBe(first);
    const reversed = view(true);
    expect(reversed).toEqual(first.slice().reverse());
    store.getState().applySpoolBatch(batch([moved(entries[39]!, 'hold'), makeEntry('S999999999', { sender: 'new@x.example', arrivalTime: NOW_SEC - 9000 })]));
    const next = view(false);
    expect(next).not.toBe(first);
    expect(next[0]).toMatchObject({ key: 'new@x.example', oldest: NOW_SEC - 9000 });
  });
});
