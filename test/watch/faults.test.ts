/**
 * Faults: a missing spool fails start() with one clear message; the inotify limit (ENOSPC from
 * fs.watch, simulated at the fs.watch edge since the real limit is machine-wide) gives a
 * warning and adaptive rescans that still follow the spool; stop() ends all batches.
 */
import { unlinkSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { SpoolAccessError } from '../../src/domain/errors.js';
import type { WatchFn } from '../../src/watch/dir-watchers.js';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import type { WatchStatus } from '../../src/watch/watch-status.js';
import { waitFor } from '../helpers/wait-for.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan, hashedPath, makeSkeletonSpool, moveQueueFile, newQueueId, writeQueueFile, type TempSpool } from './spool-fixture.js';

let spool: TempSpool | null = null;
let watcher: SpoolWatcher | null = null;
afterEach(() => {
  watcher?.stop();
  spool?.cleanup();
});

test('a missing spool: start() rejects with a SpoolAccessError and the status says why, once', async () => {
  const config = resolveSpoolConfig({ spool: '/nonexistent/postq-spool' });
  const statuses: WatchStatus[] = [];
  watcher = createSpoolWatcher(config, () => {}, { onStatus: (s) => statuses.push(s), postqueueFallback: false });
  await expect(watcher.start()).rejects.toBeInstanceOf(SpoolAccessError);
  expect(watcher.status.mode).toBe('failed');
  expect(watcher.status.message).toMatch(/\/nonexistent\/postq-spool does not exist/);
  expect(statuses).toHaveLength(1);
});

test('inotify limit reached: a warning, then rescans that still follow every change', async () => {
  spool = makeSkeletonSpool();
  let calls = 0;
  // The first three directories get a watch, then the kernel says no, as it does at the limit.
  const limited: WatchFn = (path, listener) => {
    if (++calls > 3) throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${path}'`), { code: 'ENOSPC' });
    return watch(path, { persistent: true }, listener);
  };
  const acc = new SpoolAccumulator();
  const statuses: WatchStatus[] = [];
  watcher = createSpoolWatcher(spool.config, acc.apply, { watch: limited, pollMinMs: 50, pollMaxMs: 200, onStatus: (s) => statuses.push(s) });
  await watcher.start();
  expect(watcher.status.mode).toBe('polling');
  expect(watcher.status.message).toMatch(/inotify watch limit reached .*max_user_watches/);
  expect(watcher.stats.watches).toBe(0);

  const id = newQueueId();
  writeQueueFile(spool.root, hashedPath('deferred', id));
  await waitFor(() => acc.get(id)?.queueName === 'deferred', { what: 'a rescan to find the new message', timeoutMs: 15_000, intervalMs: 20 });
  moveQueueFile(spool.root, hashedPath('deferred', id), `hold/${id}`);
  await waitFor(() => acc.get(id)?.queueName === 'hold', { what: 'a rescan to find the move', timeoutMs: 15_000, intervalMs: 20 });
  unlinkSync(join(spool.root, `hold/${id}`));
  await waitFor(() => !acc.entries.has(id), { what: 'a rescan to find the removal', timeoutMs: 15_000, intervalMs: 20 });
  expect(acc.sorted()).toEqual(freshScan(spool.config));
  // Rescans report changes as ordinary batches, never as lost events.
  expect(watcher.stats.reconcileDifferences).toBe(0);
  expect(statuses.filter((s) => s.mode === 'polling')).toHaveLength(1);
});

test('after stop(), changes produce no batches and no watches remain', async () => {
  spool = makeSkeletonSpool();
  const acc = new SpoolAccumulator();
  watcher = createSpoolWatcher(spool.config, acc.apply, { coalesceMs: 1 });
  await watcher.start();
  const id = newQueueId();
  writeQueueFile(spool.root, `hold/${id}`);
  await waitFor(() => acc.entries.has(id), { what: 'the first message', intervalMs: 10 });
  // A second watcher sees the same inotify events in the same loop turn; once it has the new
  // file (after its longer 25 ms window), the stopped one would have emitted it too.
  const probe = new SpoolAccumulator();
  const second = createSpoolWatcher(spool.config, probe.apply);
  await second.start();
  watcher.stop();
  const batches = acc.batches.length;
  const late = newQueueId();
  writeQueueFile(spool.root, `hold/${late}`);
  await waitFor(() => probe.entries.has(late), { what: 'the second watcher to see the new file', intervalMs: 10 });
  second.stop();
  expect(acc.batches.length).toBe(batches);
  expect(watcher.stats.watches).toBe(0);
  expect(watcher.status.mode).toBe('stopped');
});
