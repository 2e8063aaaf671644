/**
 * The console's early feed (src/cli/early-feed.ts): a watcher started before any console
 * exists holds what it brings, and hands it over in order when the console attaches, then
 * passes batches straight through; a start failure from before the attach reaches the
 * console's fail on attach; one console only.
 */
import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { SpoolAccessError } from '../../src/domain/errors.js';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { startEarlyFeed } from '../../src/cli/early-feed.js';
import { scanQueues } from '../../src/watch/scan.js';
import type { WatchStatus } from '../../src/watch/watch-status.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';

let copy: CorpusCopy | undefined;
afterEach(() => copy?.cleanup());

function targets() {
  const pushed: SpoolBatch[] = [];
  const statuses: WatchStatus['mode'][] = [];
  const failures: Error[] = [];
  let gateStopped = false;
  const store = { name: 'the store' };
  return {
    pushed, statuses, failures, store,
    gateStopped: () => gateStopped,
    value: {
      store,
      gate: { push: (batch: SpoolBatch) => void pushed.push(batch), stop: () => void (gateStopped = true) },
      onStatus: (s: typeof store, status: WatchStatus) => {
        expect(s).toBe(store);
        statuses.push(status.mode);
      },
      fail: (error: Error) => void failures.push(error),
    },
  };
}

it('holds the index it read before the console attached, hands it over in order, then passes batches through', async () => {
  copy = copyCorpusSpool('basic');
  const config = resolveSpoolConfig({ spool: copy.spool });
  const seen: SpoolBatch[] = [];
  const early = startEarlyFeed(config, { warmStart: false, onBatch: (batch) => void seen.push(batch) });
  await early.indexed;
  // The whole index came before any console: all of it held.
  expect(seen.length).toBeGreaterThan(0);
  const t = targets();
  const stop = early.attach(t.value);
  expect(t.pushed).toEqual(seen);
  expect(t.statuses).toContain('live');
  expect(t.failures).toEqual([]);
  const ids = new Set(t.pushed.flatMap((b) => b.upserts.map((e) => e.queueId)));
  expect([...ids].sort()).toEqual(scanQueues(config, QUEUE_NAMES).map((e) => e.queueId).sort());
  expect(() => early.attach(targets().value)).toThrow('one console');
  stop();
  expect(t.gateStopped()).toBe(true);
  expect(t.statuses.at(-1)).toBe('stopped');
  early.stop(); // a second stop changes nothing
  expect(t.statuses.filter((m) => m === 'stopped')).toHaveLength(1);
});

it('a spool gone before the start fails the console when it attaches', async () => {
  copy = copyCorpusSpool('basic');
  const config = resolveSpoolConfig({ spool: copy.spool });
  rmSync(copy.spool, { recursive: true, force: true });
  const early = startEarlyFeed(config, { warmStart: false });
  await expect(early.indexed).rejects.toBeInstanceOf(SpoolAccessError);
  const t = targets();
  early.attach(t.value);
  expect(t.failures).toHaveLength(1);
  expect(t.failures[0]).toBeInstanceOf(SpoolAccessError);
  expect(t.statuses).toContain('failed');
  early.stop();
});
