/**
 * The console's health timer (src/cli/health-feed.ts): a stuck incoming file raises its alert
 * from the clock, but not while the initial index is still reading (its figures are a pass
 * over every entry, and the spool is only half read): then at the first check after it.
 * The timer is the unit's edge (fake timers); a real corpus spool's configuration, a fresh store.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { startHealthFeed } from '../../src/cli/health-feed.js';
import { copyCorpusSpool, corpusNames, type CorpusCopy } from '../helpers/corpus.js';
import { batch, fakeBackend, makeEntry, NOW_SEC } from '../store/fixtures.js';

let copy: CorpusCopy;
beforeEach(() => {
  vi.useFakeTimers();
  copy = copyCorpusSpool(corpusNames()[0]!);
});
afterEach(() => {
  vi.useRealTimers();
  copy.cleanup();
});

test('a stuck incoming file is told once the index is read, not while it reads', () => {
  const config = resolveSpoolConfig({ spool: copy.spool });
  expect(config.fromPostconf).toBe(false);
  const store = createConsoleStore({ backend: fakeBackend() });
  const stuck = makeEntry('5B2A122C26C', { queueName: 'incoming', state: 'incomplete', mode: 0o600, mtime: NOW_SEC - 3600, listed: false });
  const others = [makeEntry('A1'), makeEntry('A2')];
  const stop = startHealthFeed(store, config, { intervalMs: 1000, now: () => NOW_SEC * 1000 });
  try {
    // A part of the index: the listings said 3 files, 2 are read so far.
    store.getState().applySpoolBatch(batch([stuck, others[0]!], [], { listedCounts: { incoming: 1, deferred: 2 } }));
    const during = store.getState().entries;
    vi.advanceTimersByTime(3000);
    expect(store.getState().timedAlerts).toEqual([]);
    // No pass over the entries for it either (the figures are memoised on the entry map).
    expect(store.getState().cache.slots.has('queueFigures')).toBe(false);
    expect(store.getState().entries).toBe(during);
    // The index's end (no listedCounts): the next check tells it.
    store.getState().applySpoolBatch(batch([others[1]!]));
    vi.advanceTimersByTime(1000);
    expect(store.getState().timedAlerts.map((a) => a.kind)).toEqual(['stuck-incoming']);
  } finally {
    stop();
  }
});
