/**
 * A warm start with read workers: the lstats that decide what the snapshot vouches for are
 * taken by a worker (the main thread takes none here), and the result is the same as on the
 * main thread: unchanged files come from the snapshot, and a file changed in place (only its
 * ctime differs), replaced, moved, removed, or with a changed defer log is read again.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import type { ReadWorkerSource } from '../../src/watch/read-worker-source.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { SpoolAccumulator } from './accumulator.js';
import { changeSinceSnapshot } from './snapshot-changes.js';
import { freshScan } from './spool-fixture.js';

let source: ReadWorkerSource;
beforeAll(async () => {
  await ensureBuilt();
  source = { url: pathToFileURL(join(REPO_ROOT, 'dist', 'watch', 'read-worker.js')) };
}, 180_000);

const copies: CorpusCopy[] = [];
afterEach(() => {
  for (const c of copies.splice(0)) c.cleanup();
});

/** One start and stop; `workers`: every lstat (and read) in one worker, none on the main thread. */
async function run(config: SpoolConfig, snap: string, workers: boolean) {
  const acc = new SpoolAccumulator();
  const readWorkers = workers ? { minFiles: 0, source, workers: 1, mainThreadReads: false } : false;
  const watcher = createSpoolWatcher(config, acc.apply, { readWorkers, reconcileMinMs: 3_600_000, snapshot: { path: snap, version: 'test' } });
  await watcher.start();
  const shown = acc.sorted();
  watcher.stop();
  return { shown, stats: watcher.stats };
}

test('a warm start whose lstats a worker takes equals a fresh scan, and reads again every changed file', async () => {
  const copy = copyCorpusSpool('basic');
  copies.push(copy);
  const config = resolveSpoolConfig({ spool: copy.spool });
  const snap = join(dirname(copy.spool), 'state', 'index.snapshot');
  await run(config, snap, false);

  const warm = await run(config, snap, true);
  expect(warm.stats.readWorkers).toBe(1);
  expect(warm.stats.snapshotIgnored).toBeNull();
  expect(warm.stats.snapshotTrusted).toBe(warm.stats.files);
  expect(warm.shown).toEqual(freshScan(config));

  const changes = changeSinceSnapshot(config, copy.spool);
  const after = await run(config, snap, true);
  changes.check(after.shown);
  expect(after.stats.snapshotStale).toBe(changes.stale);
  expect(after.stats.snapshotTrusted).toBe(after.stats.files - changes.stale - changes.moved);
});
