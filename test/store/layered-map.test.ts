import { describe, expect, it } from 'vitest';
import { LayeredMap, layeredMapCounters } from '../../src/store/layered-map.js';
import { MAX_LAYERS } from '../../src/store/frozen-layers.js';

describe('LayeredMap', () => {
  it('behaves like a Map under random changes, and old versions never change', () => {
    let seed = 3;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let map = LayeredMap.from(new Map(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i] as [string, number])));
    const reference = new Map([...map]);
    const versions: Array<[LayeredMap<string, number>, Array<[string, number]>]> = [];
    for (let round = 0; round < 400; round++) {
      const sets: Array<[string, number]> = [];
      const deletes: string[] = [];
      for (let k = rand(40); k >= 0; k--) {
        const key = `k${rand(7000)}`;
        if (rand(3) === 0) deletes.push(key);
        else sets.push([key, round * 1000 + k]);
      }
      if (round % 50 === 0) versions.push([map, [...map]]);
      map = map.withChanges(sets, deletes);
      for (const [k, v] of sets) reference.set(k, v);
      for (const k of deletes) reference.delete(k);
      expect(map.size).toBe(reference.size);
    }
    expect(new Map(map)).toEqual(reference);
    expect([...map.keys()].sort()).toEqual([...reference.keys()].sort());
    expect([...map.values()].sort()).toEqual([...reference.values()].sort());
    for (const key of ['k1', 'k4999', 'k6999', 'nope']) {
      expect(map.get(key)).toBe(reference.get(key));
      expect(map.has(key)).toBe(reference.has(key));
    }
    let n = 0;
    map.forEach((v, k, m) => {
      expect(reference.get(k)).toBe(v);
      expect(m).toBe(map);
      n++;
    });
    expect(n).toBe(reference.size);
    for (const [old, snapshot] of versions) expect([...old]).toEqual(snapshot);
  });

  it('deleting an added key leaves no trace; deleting a missing key does nothing', () => {
    const a = LayeredMap.empty<string, number>();
    const b = a.withChanges([['x', 1]], []);
    const c = b.withChanges([], ['x', 'y']);
    expect([a.size, b.size, c.size]).toEqual([0, 1, 0]);
    expect([...c]).toEqual([]);
    expect(b.get('x')).toBe(1);
  });

  /** A seeded stream of change batches over keys k0..k{keys-1}. */
  function changes(seed: number, keys: number) {
    let state = seed;
    // mulberry32: the low bits of a plain LCG repeat too soon to spread over 50,000 keys.
    const rand = (n: number) => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    return (count: number, tag: number): [Array<[string, number]>, string[]] => {
      const sets: Array<[string, number]> = [];
      const deletes: string[] = [];
      for (let k = 0; k < count; k++) {
        const key = `k${rand(keys)}`;
        if (rand(4) === 0) deletes.push(key);
        else sets.push([key, tag * 10_000 + k]);
      }
      return [sets, deletes];
    };
  }

  function applyTo(reference: Map<string, number>, [sets, deletes]: [Array<[string, number]>, string[]]): void {
    for (const [k, v] of sets) reference.set(k, v);
    for (const k of deletes) reference.delete(k);
  }

  function expectSame(map: LayeredMap<string, number>, reference: Map<string, number>): void {
    expect(map.size).toBe(reference.size);
    expect(new Map(map)).toEqual(reference);
    for (const key of ['k0', 'k7', 'k12345', 'k39999', 'nope']) {
      expect(map.get(key)).toBe(reference.get(key));
      expect(map.has(key)).toBe(reference.has(key));
    }
  }

  it('folds the changes into a new base a bounded number of entries per batch, never all at once', () => {
    const n = 40_000;
    let map = LayeredMap.from(new Map(Array.from({ length: n }, (_, i) => [`k${i}`, i] as [string, number])));
    const reference = new Map([...map]);
    const next = changes(7, 50_000);
    const folds = layeredMapCounters.folds;
    let most = 0;
    for (let round = 0; round < 300; round++) {
      const batch = next(200, round);
      const before = layeredMapCounters.folded;
      map = map.withChanges(...batch);
      most = Math.max(most, layeredMapCounters.folded - before);
      applyTo(reference, batch);
      if (round % 25 === 0) expectSame(map, reference);
    }
    expectSame(map, reference);
    // 60,000 changes against a limit of n/4: the base was replaced several times...
    expect(layeredMapCounters.folds - folds).toBeGreaterThanOrEqual(3);
    // ...each batch copying at most 2 * (base + mid) / limit entries per change (<= 12 here),
    // where folding all at once copied the whole map (40,000+) in one batch.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(200 * 12);
  });

  it('stacks layers of new keys without copying, then changes and folds them as any base', () => {
    const layer = (from: number, to: number) => new Map(Array.from({ length: to - from }, (_, i) => [`k${from + i}`, from + i] as [string, number]));
    let map = LayeredMap.empty<string, number>();
    const reference = new Map<string, number>();
    const versions: Array<[LayeredMap<string, number>, Array<[string, number]>]> = [];
    const folded = layeredMapCounters.folded;
    for (const [from, to] of [[0, 2000], [2000, 4000], [4000, 8000], [8000, 16000], [16000, 30000]] as const) {
      expect(map.stackable).toBe(true);
      versions.push([map, [...map]]);
      const part = layer(from, to);
      map = map.withLayer(part);
      for (const [k, v] of part) reference.set(k, v);
      expectSame(map, reference);
    }
    // Nothing copied: each layer is the part's own Map.
    expect(layeredMapCounters.folded - folded).toBe(0);
    // In the order one Map filled part after part has.
    expect([...map.keys()]).toEqual([...reference.keys()]);
    expect([...map.values()]).toEqual([...reference.values()]);
    for (const [old, snapshot] of versions) expect([...old]).toEqual(snapshot);
    // Changes on top: no longer stackable; enough of them fold the layers into one Map.
    const next = changes(13, 40_000);
    for (let round = 0; round < 60; round++) {
      const batch = next(300, round);
      map = map.withChanges(...batch);
      applyTo(reference, batch);
      expect(map.stackable).toBe(false);
      if (round % 10 === 0) expectSame(map, reference);
    }
    expectSame(map, reference);
    expect(layeredMapCounters.folded - folded).toBeGreaterThan(30_000);
    expect(() => map.withLayer(new Map([['x', 1]]))).toThrow(/not stackable/);
  });

  it('stacks at most MAX_LAYERS layers: then the caller copies (reads stay bounded)', () => {
    let map = LayeredMap.empty<string, number>();
    for (let i = 0; i < MAX_LAYERS; i++) map = map.withLayer(new Map([[`k${i}`, i]]));
    expect(map.stackable).toBe(false);
    expect(map.size).toBe(MAX_LAYERS);
    expect(map.get('k0')).toBe(0);
    expect(map.get(`k${MAX_LAYERS - 1}`)).toBe(MAX_LAYERS - 1);
  });

  it('a batch larger than the limit while a fold runs finishes the fold and stays correct', () => {
    let map = LayeredMap.from(new Map(Array.from({ length: 8000 }, (_, i) => [`k${i}`, i] as [string, number])));
    const reference = new Map([...map]);
    const next = changes(11, 12_000);
    for (const [round, size] of [2500, 10, 3000, 10, 10, 4000].entries()) {
      const batch = next(size, round);
      map = map.withChanges(...batch);
      applyTo(reference, batch);
      expectSame(map, reference);
    }
  });

  it('versions derived from the same version (forks, a shared fold) stay independent', () => {
    let root = LayeredMap.from(new Map(Array.from({ length: 6000 }, (_, i) => [`k${i}`, i] as [string, number])));
    const rootRef = new Map([...root]);
    const start = changes(5, 9000);
    // Fill the delta past the limit (1,500), so a fold is running when the forks begin.
    for (let round = 0; round < 20; round++) {
      const batch = start(100, round);
      root = root.withChanges(...batch);
      applyTo(rootRef, batch);
    }
    const rootSnapshot = [...root];
    const forks = [1, 2, 3].map((seed) => ({ map: root, ref: new Map(rootRef), next: changes(seed, 9000) }));
    const copies = layeredMapCounters.deltaCopies;
    for (let round = 0; round < 60; round++) {
      for (const fork of forks) {
        const batch = fork.next(50, 100 + round);
        fork.map = fork.map.withChanges(...batch);
        applyTo(fork.ref, batch);
      }
    }
    for (const fork of forks) expectSame(fork.map, fork.ref);
    expect([...root]).toEqual(rootSnapshot);
    expectSame(root, rootRef);
    // The first fork took over root's delta; the other two started from copies of it.
    expect(layeredMapCounters.deltaCopies - copies).toBe(2);
  });

  it('an open iterator keeps reading its own version while a newer one is made', () => {
    const base = LayeredMap.from(new Map(Array.from({ length: 50 }, (_, i) => [`k${i}`, i] as [string, number])));
    const map = base.withChanges([['k1', 100], ['k60', 60]], ['k2']);
    const expected = [...map];
    const it = map.entries();
    const seen = [it.next().value!];
    const copies = layeredMapCounters.deltaCopies;
    const newer = map.withChanges([['k3', 300], ['k61', 61]], ['k1', 'k60']);
    for (let step = it.next(); !step.done; step = it.next()) seen.push(step.value);
    expect(seen).toEqual(expected);
    expect(layeredMapCounters.deltaCopies - copies).toBe(1);
    expect(newer.get('k3')).toBe(300);
    expect(newer.has('k1')).toBe(false);
    expect([newer.size, map.size]).toEqual([49, 50]);
    // The iterator is closed: map still owns its delta (newer had the copy), and newer owns
    // its own; a second version made from map is a fork and copies.
    newer.withChanges([['k4', 4]], []);
    const fromMap = map.withChanges([['k5', 500]], []);
    expect(layeredMapCounters.deltaCopies - copies).toBe(1);
    const fork = map.withChanges([['k6', 600]], []);
    expect(layeredMapCounters.deltaCopies - copies).toBe(2);
    expect([fromMap.get('k5'), fromMap.get('k6'), fork.get('k5'), fork.get('k6'), map.get('k5'), map.get('k6')]).toEqual([500, 6, 5, 600, 5, 6]);
  });
});
