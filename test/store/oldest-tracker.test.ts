import { describe, expect, it } from 'vitest';
import { OldestTracker } from '../../src/store/oldest-tracker.js';

describe('OldestTracker', () => {
  it('takes many arrivals at once (an index part) and still answers as a heap as the oldest leave', () => {
    const tracker = new OldestTracker();
    const live: number[] = [];
    for (const part of [[500, 20, 7, 999], Array.from({ length: 3000 }, (_, i) => (i * 7919) % 4001), [3, 3, 12]]) {
      tracker.addAll('deferred', part);
      live.push(...part);
    }
    live.sort((a, b) => a - b);
    // The oldest leave one by one (as a delivered queue drains): the next oldest each time.
    for (let i = 0; i < 200; i++) {
      expect(tracker.min('deferred')).toBe(live[i]);
      tracker.remove('deferred', live[i]!);
    }
  });

  it('equals the minimum of a brute-force multiset under many adds and removes (with compaction)', () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const tracker = new OldestTracker();
    const live: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // grow, then shrink: the removals outnumber the live times and force compactions
      const grow = i < 8000 ? rand(4) !== 0 : rand(4) === 0;
      if (grow || live.length === 0) {
        const t = rand(500); // duplicates on purpose
        live.push(t);
        tracker.add('deferred', t);
      } else {
        const t = live.splice(rand(live.length), 1)[0]!;
        tracker.remove('deferred', t);
      }
      if (i % 97 === 0 || i > 19_900) {
        expect(tracker.min('deferred')).toBe(live.length ? Math.min(...live) : null);
      }
    }
    expect(tracker.min('hold')).toBeNull();
    tracker.reset();
    expect(tracker.min('deferred')).toBeNull();
  });
});
