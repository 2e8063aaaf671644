/**
 * A defer log's signature is its ctime as read (every read fstats the log): any other ctime is a
 * change, and a log that changed after it was read is read again by the reconcile, even when
 * every event was lost. A negative "read after the index's start" signature (made once by reads
 * without fstat, and settled by the first reconcile when the log's ctime was older) is a change
 * like any other: nothing settles a log without reading it.
 */
import { readFileSync, statSync, watch, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { deferChanged, deferSigOf } from '../../src/watch/file-sig.js';
import type { WatchFn } from '../../src/watch/dir-watchers.js';
import { buildInitialIndex } from '../../src/watch/initial-index.js';
import { sweepSpool } from '../../src/watch/reconcile.js';
import { SpoolIndex } from '../../src/watch/spool-index.js';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import { createSlicer } from '../../src/watch/time-slice.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitFor } from '../helpers/wait-for.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

const withCtime = (ctimeMs: number) => ({ ctimeMs }) as Stats;

test('a defer log signature is its ctime: any other, a negative one included, is a change', () => {
  expect(deferChanged(deferSigOf(withCtime(5000)), withCtime(5000))).toBe(false);
  expect(deferChanged(deferSigOf(withCtime(5000)), withCtime(5001))).toBe(true);
  const start = 1_800_000_000_000;
  // What a "read after" signature took as settled: a log older than the index's start.
  expect(deferChanged(-start, withCtime(start - 60_000))).toBe(true);
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

test('the reconcile reads again a log whose signature is not its ctime, and settles none without a read', async () => {
  const spool = (copy = copyCorpusSpool('basic')).spool;
  const config = resolveSpoolConfig({ spool });
  const index = new SpoolIndex();
  await buildInitialIndex(config, index, createSlicer(), () => {}, { batchEveryMs: 50, onDir: () => {} });
  expect((await sweepSpool(config, index, createSlicer(), () => {})).dirty.size).toBe(0);
  const [queueId] = [...index.deferSigs].find(([, sig]) => sig !== null)!;
  const readAfter = -(Date.now() + 60_000);
  index.deferSigs.set(queueId, readAfter);
  const sweep = await sweepSpool(config, index, createSlicer(), () => {});
  expect([...sweep.dirty.keys()]).toEqual([queueId]);
  expect(index.deferSigs.get(queueId)).toBe(readAfter);
});
