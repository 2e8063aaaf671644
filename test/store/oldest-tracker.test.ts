import { describe, expect, it } from 'vitest';
import { OldestTracker } from '../../src/store/oldest-tracker.js';

describe('OldestTracker', () => {
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
