/**
 * The batch gate: batches are composed and applied at most once per interval, held while keys
 * are being pressed; past the maximum delay keys carry them in parts, or a pause applies them.
 * Fake timers and clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { createBatchGate } from '../../src/ui/batch-gate.js';
import { composeBatches } from '../../src/store/batch-apply.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const entry = (id: string) => ({ queueId: id }) as QueueEntry;
const batch = (ids: string[], removals: string[] = []): SpoolBatch => ({ upserts: ids.map(entry), removals, full: false, firstEventAt: null });

function setup() {
  const applied: SpoolBatch[] = [];
  const gate = createBatchGate((b) => applied.push(b), { minIntervalMs: 150, quietAfterKeyMs: 120, maxDelayMs: 750, now: () => Date.now() });
  return { gate, applied };
}

describe('createBatchGate', () => {
  it('applies the first batch at once, then composes the next ones for the interval', () => {
    const { gate, applied } = setup();
    gate.push(batch(['A']));
    expect(applied).toHaveLength(1);
    gate.push(batch(['B']));
    gate.push(batch(['C'], ['B']));
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(150);
    expect(applied).toHaveLength(2);
    expect(applied[1]!.upserts.map((e) => e.queueId)).toEqual(['C']);
    expect(applied[1]!.removals).toEqual(['B']);
    // Composed by id, so marked distinct: the store's sliced apply needs no map to compose it.
    expect(applied[1]!.distinct).toBe(true);
  });

  it('while data keeps coming, one data frame per busy interval; after a quiet gap, at once again', () => {
    const { gate, applied } = setup();
    const at: number[] = [];
    const t0 = Date.now();
    // A steady trickle (a batch every 25 ms, as the watcher hands them over) for 3 s.
    for (let t = 0; t < 3000; t += 25) {
      const before = applied.length;
      gate.push(batch([`M${t}`]));
      vi.advanceTimersByTime(25);
      if (applied.length > before) at.push(Date.now() - t0);
    }
    // 0 and 150 as before, then every 750 ms instead of every 150 ms: 6 frames, not 20.
    expect(applied.length).toBeLessThanOrEqual(6);
    const gaps = at.slice(2).map((t, i) => t - at[i + 1]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(750);
    // Every id arrived in order of the batches, none lost.
    vi.advanceTimersByTime(1000);
    expect(applied.flatMap((b) => b.upserts.map((e) => e.queueId))).toHaveLength(120);
    // Quiet for more than busyAfterMs since the last frame: a new change is shown at once.
    vi.advanceTimersByTime(1500);
    const before = applied.length;
    gate.push(batch(['late']));
    expect(applied).toHaveLength(before + 1);
  });

  it('holds batches while keys are pressed, but not beyond the maximum delay', () => {
    const { gate, applied } = setup();
    gate.noteKey();
    gate.push(batch(['A']));
    expect(applied).toHaveLength(0);
    vi.advanceTimersByTime(130);
    expect(applied).toHaveLength(1);
    gate.push(batch(['B']));
    for (let t = 0; t < 700; t += 50) {
      gate.noteKey();
      vi.advanceTimersByTime(50);
    }
    expect(applied).toHaveLength(1);
    // Typing stopped at 780 ms: the quiet time after the last key applies B.
    vi.advanceTimersByTime(80);
    expect(applied).toHaveLength(2);
  });

  it('past the maximum delay, each key applies a part of what is held, before its own update', () => {
    const applied: SpoolBatch[] = [];
    const gate = createBatchGate((b) => applied.push(b), { minIntervalMs: 150, quietAfterKeyMs: 120, maxDelayMs: 750, keyChunk: 2, now: () => Date.now() });
    gate.noteKey();
    gate.push(batch(['A', 'B', 'C'], ['D']));
    for (let t = 0; t < 750; t += 50) {
      gate.noteKey();
      vi.advanceTimersByTime(50);
    }
    expect(applied).toHaveLength(0);
    gate.noteKey();
    expect(applied.map((b) => [b.upserts.map((e) => e.queueId), b.removals])).toEqual([[['A', 'B'], []]]);
    gate.noteKey();
    expect(applied.map((b) => [b.upserts.map((e) => e.queueId), b.removals])).toEqual([[['A', 'B'], []], [['C'], ['D']]]);
    gate.noteKey();
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(2);
  });

  it('never splits a full batch, and applies the rest on a pause', () => {
    const applied: SpoolBatch[] = [];
    const gate = createBatchGate((b) => applied.push(b), { minIntervalMs: 150, quietAfterKeyMs: 120, maxDelayMs: 750, keyChunk: 1, now: () => Date.now() });
    gate.noteKey();
    gate.push({ ...batch(['A', 'B']), full: true });
    for (let t = 0; t < 800; t += 50) {
      gate.noteKey();
      vi.advanceTimersByTime(50);
    }
    expect(applied.map((b) => b.upserts.length)).toEqual([2]);
    gate.push(batch(['C', 'D', 'E']));
    gate.noteKey();
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(120);
    expect(applied.map((b) => b.upserts.length)).toEqual([2, 3]);
  });

  it('typing that never pauses still sees the data within twice the maximum delay', () => {
    const applied: SpoolBatch[] = [];
    const gate = createBatchGate((b) => applied.push(b), { minIntervalMs: 150, quietAfterKeyMs: 120, maxDelayMs: 750, keyChunk: 1, now: () => Date.now() });
    gate.noteKey();
    const ids = Array.from({ length: 20 }, (_, i) => `Q${i}`);
    gate.push(batch(ids));
    for (let t = 0; t < 1490; t += 100) {
      gate.noteKey();
      vi.advanceTimersByTime(100);
    }
    // One id per key from 750 ms on, then the rest at 1500 ms although keys keep coming.
    expect(applied.flatMap((b) => b.upserts.map((e) => e.queueId))).toEqual(ids);
    expect(applied.map((b) => b.upserts.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 13]);
  });

  it('flush applies what is held; stop drops it', () => {
    const { gate, applied } = setup();
    gate.push(batch(['A']));
    gate.push(batch(['B']));
    gate.flush();
    expect(applied).toHaveLength(2);
    gate.push(batch(['C']));
    gate.stop();
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(2);
  });

  it('composes held batches as composeBatches does (later wins, a full batch replaces, oldest event time)', () => {
    let seed = 17;
    const rand = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const versions = new Map<string, number>();
    const pushed: SpoolBatch[] = [];
    for (let i = 0; i < 60; i++) {
      const ids = Array.from({ length: rand(6) }, () => `Q${rand(12)}`);
      const upserts = ids.map((id) => {
        const v = (versions.get(id) ?? 0) + 1;
        versions.set(id, v);
        return { queueId: id, messageSize: v } as QueueEntry;
      });
      const b: SpoolBatch = { upserts, removals: Array.from({ length: rand(3) }, () => `Q${rand(12)}`), full: i === 56, firstEventAt: 1000 - rand(500) };
      if (i < 45) b.listedCounts = { deferred: i };
      pushed.push(b);
    }
    const applied: SpoolBatch[] = [];
    const gate = createBatchGate((b) => applied.push(b), { now: () => Date.now() });
    gate.noteKey();
    for (const b of pushed) gate.push(b);
    expect(applied).toHaveLength(0);
    gate.flush();
    const expected = pushed.reduce((a, b) => composeBatches(a, b));
    const shape = (b: SpoolBatch) => ({
      upserts: new Map(b.upserts.map((e) => [e.queueId, e.messageSize])),
      removals: new Set(b.removals),
      full: b.full,
      firstEventAt: b.firstEventAt,
      listedCounts: b.listedCounts,
    });
    expect(applied).toHaveLength(1);
    expect(shape(applied[0]!)).toEqual(shape(expected));
    expect(applied[0]!.full).toBe(true);
    expect(applied[0]!.listedCounts).toBeUndefined();
  });

  it('burstSize: a burst keeps the short interval (its tail too), a trickle after it gets the busy one', () => {
    const applied: SpoolBatch[] = [];
    const gate = createBatchGate((b) => applied.push(b), { minIntervalMs: 150, busyIntervalMs: 750, burstSize: 100, now: () => Date.now() });
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    gate.push(batch(ids('A', 200))); // first: at once
    vi.advanceTimersByTime(10);
    gate.push(batch(ids('B', 200))); // busy (a frame 10 ms ago), but a burst: after 150 ms
    vi.advanceTimersByTime(140);
    expect(applied).toHaveLength(2);
    vi.advanceTimersByTime(50);
    gate.push(batch(ids('C', 5))); // the burst's tail: the last frame was a burst
    vi.advanceTimersByTime(100);
    expect(applied).toHaveLength(3);
    vi.advanceTimersByTime(10);
    gate.push(batch(ids('D', 5))); // a trickle now: the busy interval
    vi.advanceTimersByTime(700);
    expect(applied).toHaveLength(3);
    vi.advanceTimersByTime(50);
    expect(applied).toHaveLength(4);
    // Without burstSize, the same burst's second part waits for the busy interval.
    const plain: SpoolBatch[] = [];
    const busy = createBatchGate((b) => plain.push(b), { minIntervalMs: 150, busyIntervalMs: 750, now: () => Date.now() });
    busy.push(batch(ids('A', 200)));
    vi.advanceTimersByTime(10);
    busy.push(batch(ids('B', 200)));
    vi.advanceTimersByTime(140);
    expect(plain).toHaveLength(2);
    vi.advanceTimersByTime(10);
    busy.push(batch(ids('C', 200)));
    vi.advanceTimersByTime(600);
    expect(plain).toHaveLength(2);
    vi.advanceTimersByTime(200);
    expect(plain).toHaveLength(3);
  });

  it('during the initial index the store grows in doubling parts, then halving ones, and the end of the index is applied at once', () => {
    const applied: SpoolBatch[] = [];
    // fillMaxMs beyond the test's 8 s: only the doubling rule decides here.
    const gate = createBatchGate((b) => applied.push(b), { now: () => Date.now(), fillMaxMs: 10_000 });
    const listedCounts = { deferred: 40_000 };
    // The listing: a full empty batch with the counts, shown at once.
    gate.push({ upserts: [], removals: [], full: true, listedCounts, firstEventAt: null });
    expect(applied).toHaveLength(1);
    // 39,000 entries in batches of 500 every 100 ms (the index's pace on a quick machine).
    let n = 0;
    for (let t = 0; t < 78; t++) {
      const ids = Array.from({ length: 500 }, () => `E${n++}`);
      gate.push({ ...batch(ids), listedCounts });
      vi.advanceTimersByTime(100);
    }
    const sizes = applied.slice(1).map((b) => b.upserts.length);
    // Each part at least as large as everything before it, or as half of what is still to
    // come, and never under 2,000: a handful of applies, not one per 750 ms.
    let before = 0;
    for (const size of sizes) {
      expect(size).toBeGreaterThanOrEqual(Math.max(2000, Math.min(before, (40_000 - before) / 2)));
      before += size;
    }
    expect(sizes).toEqual([2000, 2000, 4000, 8000, 12000, 6000, 3000, 2000]);
    // The index's last batch (no counts): applied now, with whatever was held, not after an
    // interval; and what was left for it is small (doubling alone left it 8,000 of 40,000).
    gate.push(batch(Array.from({ length: 1000 }, () => `E${n++}`)));
    const total = applied.reduce((k, b) => k + b.upserts.length, 0);
    expect(total).toBe(40_000);
    expect(applied.at(-1)!.listedCounts).toBeUndefined();
    expect(applied.at(-1)!.upserts.length).toBe(1000);
    // Past the index, the usual pace: a later change waits for the interval.
    gate.push(batch(['late']));
    expect(applied.reduce((k, b) => k + b.upserts.length, 0)).toBe(40_000);
  });

  it('an index that brings more than its listing said doubles again: no run of small parts', () => {
    const applied: SpoolBatch[] = [];
    const gate = createBatchGate((b) => applied.push(b), { now: () => Date.now(), fillMaxMs: 10_000 });
    // The listing said 10,000; mail arriving during the index brings 30,000 in all.
    const listedCounts = { deferred: 10_000 };
    gate.push({ upserts: [], removals: [], full: true, listedCounts, firstEventAt: null });
    let n = 0;
    for (let t = 0; t < 60; t++) {
      gate.push({ ...batch(Array.from({ length: 500 }, () => `E${n++}`)), listedCounts });
      vi.advanceTimersByTime(100);
    }
    const sizes = applied.slice(1).map((b) => b.upserts.length);
    // Halving towards 10,000, then doubling past it (parts of 2,000 each were 9 more applies).
    expect(sizes).toEqual([2000, 2000, 3000, 2000, 2000, 11000]);
  });
});
