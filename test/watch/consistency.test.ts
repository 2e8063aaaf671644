/**
 * After thousands of random creates, moves, deletes, defer-log writes and chmods while
 * watching, the sink's accumulated state equals a fresh scanQueues(), entry for entry: first
 * from the events alone (no reconcile may run), then with a third of all events dropped, where
 * the reconcile sweep must find what the events missed (the kernel does drop events silently).
 */
import { watch } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { createSpoolWatcher, type SpoolWatcher, type SpoolWatcherOptions } from '../../src/watch/spool-watcher.js';
import type { WatchFn } from '../../src/watch/dir-watchers.js';
import { waitFor } from '../helpers/wait-for.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { SpoolAccumulator } from './accumulator.js';
import { churn } from './random-ops.js';
import { freshScan } from './spool-fixture.js';

let copy: CorpusCopy;
let watcher: SpoolWatcher | null = null;
afterEach(() => {
  watcher?.stop();
  copy.cleanup();
});

async function watchAndChurn(options: SpoolWatcherOptions, ops: number, seed: number) {
  copy = copyCorpusSpool('basic');
  const config: SpoolConfig = resolveSpoolConfig({ spool: copy.spool });
  const acc = new SpoolAccumulator();
  watcher = createSpoolWatcher(config, acc.apply, options);
  await watcher.start();
  // Churn the corpus's own messages too (the ones at their hashed paths, outside maildrop).
  const files = new Map(
    freshScan(config)
      .filter((e) => e.queueName !== 'maildrop' && e.listed)
      .map((e) => [e.queueId, e.path]),
  );
  const result = await churn(copy.spool, files, ops, seed);
  let scan = freshScan(config);
  await waitFor(
    () => {
      scan = freshScan(config);
      return JSON.stringify(acc.sorted()) === JSON.stringify(scan);
    },
    { what: 'the watched state to equal a fresh scan', timeoutMs: 60_000, intervalMs: 200, describe: () => `${acc.entries.size} watched vs ${scan.length} scanned` },
  );
  expect(acc.sorted()).toEqual(scan);
  return { acc, result, scan };
}

test('3,000 random operations: the events alone keep the state equal to a fresh scan', async () => {
  const { result, scan } = await watchAndChurn({ reconcileMinMs: 3_600_000, burstNames: Number.POSITIVE_INFINITY }, 3000, 42);
  expect(Object.keys(result.counts).sort()).toEqual(['chmod', 'create', 'defer-log', 'delete', 'move']);
  expect(scan.length).toBeGreaterThan(100);
  expect(scan.some((e) => e.recipients.some((r) => r.delayReason !== ''))).toBe(true);
  expect(watcher!.stats.reconciles).toBe(0);
}, 120_000);

test('with a third of the events lost, the reconcile sweep restores a fresh scan (full batch)', async () => {
  let n = 0;
  const lossy: WatchFn = (path, listener) => watch(path, { persistent: true }, (event, name) => {
    if (++n % 3 !== 0) listener(event, name);
  });
  const { acc } = await watchAndChurn({ watch: lossy, reconcileMinMs: 300, burstNames: 50, burstQuietMs: 100 }, 2000, 7);
  expect(watcher!.stats.reconcileDifferences).toBeGreaterThan(0);
  expect(acc.batches.slice(1).some((b) => b.full)).toBe(true);
}, 120_000);
