/**
 * A watcher stopped while its initial index runs (q pressed while the console fills, a serve
 * whose link went) ends as stopped: the index still settles,
 * but no directory is watched after the stop and no timer is armed, so nothing keeps the
 * process alive. Before, the listing went on adding a watch per directory after the stop and
 * the end of the index set the status back to live and armed the reconcile and presence timers.
 */
import { afterEach, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';

let copy: CorpusCopy | undefined;
afterEach(() => copy?.cleanup());

it('stopped during its index: no watches left, the status stays stopped', async () => {
  copy = copyCorpusSpool('basic');
  const batches: number[] = [];
  const watcher = createSpoolWatcher(resolveSpoolConfig({ spool: copy.spool }), (batch) => void batches.push(batch.upserts.length));
  const started = watcher.start();
  watcher.stop();
  await started;
  expect(watcher.status.mode).toBe('stopped');
  expect(watcher.stats.watches).toBe(0);
});
