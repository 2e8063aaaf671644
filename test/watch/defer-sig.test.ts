/**
 * The initial index reads defer logs without fstat, "as of" its start (file-sig.ts
 * deferReadAfter). A log older than that is settled by the first reconcile without a read; a
 * log that changed after it was read is read again, even when every event was lost.
 */
import { readFileSync, statSync, watch, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { deferChanged, deferReadAfter, deferSigOf } from '../../src/watch/file-sig.js';
import type { WatchFn } from '../../src/watch/dir-watchers.js';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitFor } from '../helpers/wait-for.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

const withCtime = (ctimeMs: number) => ({ ctimeMs }) as Stats;

test('a ctime signature changes with the ctime; a read-after one only for ctimes near or after the start', () => {
  expect(deferChanged(deferSigOf(withCtime(5000)), withCtime(5000))).toBe(false);
  expect(deferChanged(deferSigOf(withCtime(5000)), withCtime(5001))).toBe(true);
  const start = 1_800_000_000_000;
  expect(deferChanged(deferReadAfter(start), withCtime(start - 60_000))).toBe(false);
  expect(deferChanged(deferReadAfter(start), withCtime(start - 10))).toBe(true);
  expect(deferChanged(deferReadAfter(start), withCtime(start + 10))).toBe(true);
  expect(deferReadAfter(start)).toBeLessThan(0);
  // No log when it was looked for: any log now is a change.
  expect(deferChanged(null, withCtime(start - 60_000))).toBe(true);
});

let copy: CorpusCopy | null = null;
let watcher: SpoolWatcher | null = null;
afterEach(() => {
  watcher?.stop();
  copy?.cleanup();
});

test('with every event lost, a defer log rewritten after the index is found by the reconcile', async () => {
  const spool = (copy = copyCorpusSpool('basic')).spool;
  const config = resolveSpoolConfig({ spool });
  const deaf: WatchFn = (path) => watch(path, { persistent: true }, () => {});
  const acc = new SpoolAccumulator();
  watcher = createSpoolWatcher(config, acc.apply, { watch: deaf, readWorkers: false, reconcileMinMs: 100, reconcileMaxMs: 200 });
  await watcher.start();
  const target = freshScan(config).find((e) => e.queueName === 'deferred' && e.recipients.some((r) => r.delayReason.includes('Connection refused')))!;
  expect(target).toBeDefined();
  const log = join(spool, 'defer', target.queueId[0]!, target.queueId);
  const before = statSync(log).ctimeMs;
  writeFileSync(log, readFileSync(log, 'latin1').replaceAll('Connection refused', 'Connection timed out'), 'latin1');
  expect(statSync(log).ctimeMs).toBeGreaterThanOrEqual(before);
  await waitFor(() => acc.get(target.queueId)?.recipients.some((r) => r.delayReason.includes('Connection timed out')), {
    what: 'the rewritten reason, from the reconcile alone',
    timeoutMs: 20_000,
  });
  expect(watcher.stats.events).toBe(0);
  expect(acc.sorted()).toEqual(freshScan(config));
}, 60_000);
