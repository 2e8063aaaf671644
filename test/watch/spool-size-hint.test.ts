/**
 * A cold start's guess of the spool's size from its directories' sizes (src/watch/spool-size-hint.ts),
 * and the watcher starting its read worker from that guess alone: near the number of names a
 * queue's hash directories hold, 0 for a queue that is a symlink (not followed) or missing,
 * and the index read with the early worker equals a fresh scan. A warm start's snapshot size is
 * the hint where it reaches the read workers' least number of files: the directories are then
 * not asked (their guess would only matter below that number).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { expectedFiles, spoolFilesHint } from '../../src/watch/spool-size-hint.js';
import { SNAPSHOT_BYTES_PER_MESSAGE } from '../../src/watch/index-snapshot.js';
import { builtReadWorker, useBuiltWorkerAndCleanups } from '../helpers/built-read-worker.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

const { corpus } = useBuiltWorkerAndCleanups();
const source = builtReadWorker;

/** Names in deferred/A that are not queue files the listing keeps: made, counted in the directory's size, then gone. */
function namesMadeAndGone(spool: string, count: number): void {
  const dir = join(spool, 'deferred', 'A');
  mkdirSync(dir, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => join(dir, `A${String(i).padStart(10, '0')}`));
  for (const name of names) writeFileSync(name, '');
  for (const name of names) rmSync(name);
}

test('the guess is near the names the hash directories hold; a symlinked or missing queue counts nothing', () => {
  const copy = corpus();
  const config = resolveSpoolConfig({ spool: copy.spool });
  const before = spoolFilesHint(config);
  expect(before).toBeLessThan(500);
  const dir = join(copy.spool, 'deferred', 'B');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `B${String(i).padStart(10, '0')}`), '');
  const after = spoolFilesHint(config);
  expect(after - before).toBeGreaterThan(700);
  expect(after - before).toBeLessThan(2250);
  // hold/ missing, then a symlink to that big directory: not followed, it counts 0 either way.
  rmSync(join(copy.spool, 'hold'), { recursive: true, force: true });
  const withoutHold = spoolFilesHint(config);
  symlinkSync(dir, join(copy.spool, 'hold'));
  expect(spoolFilesHint(config)).toBe(withoutHold);
  expect(withoutHold).toBeGreaterThan(700);
  rmSync(join(copy.spool, 'deferred'), { recursive: true, force: true });
  expect(spoolFilesHint(config)).toBeLessThan(500);
});

test('a cold start with no snapshot starts its worker from the guess alone, and its index equals a fresh scan', async () => {
  const copy = corpus();
  const config = resolveSpoolConfig({ spool: copy.spool });
  namesMadeAndGone(copy.spool, 1000);
  const hint = spoolFilesHint(config);
  const files = freshScan(config).length;
  // A directory keeps its size when its names go (ext4): the guess is larger than the listing.
  expect(hint).toBeGreaterThan(files);
  const run = async (minFiles: number) => {
    const acc = new SpoolAccumulator();
    const readWorkers = { minFiles, source, workers: 1, mainThreadReads: false };
    const watcher = createSpoolWatcher(config, acc.apply, { readWorkers, reconcileMinMs: 3_600_000 });
    await watcher.start();
    watcher.stop();
    return { shown: acc.sorted(), stats: watcher.stats };
  };
  // Too many for the listing to ask for a worker, and for the guess: none.
  expect((await run(hint + 1)).stats.readWorkers).toBe(0);
  // Too many for the listing, enough for the guess: the worker reads it all.
  const early = await run(hint);
  expect(early.stats.readWorkers).toBe(1);
  expect(early.shown).toEqual(freshScan(config));
});

test('a snapshot reaching the least number of files for workers is the hint alone; below it, the larger guess', () => {
  const copy = corpus();
  const config = resolveSpoolConfig({ spool: copy.spool });
  namesMadeAndGone(copy.spool, 1000);
  const dirs = spoolFilesHint(config);
  expect(dirs).toBeGreaterThan(500);
  const snap = join(copy.spool, '..', 'hint.snapshot');
  writeFileSync(snap, Buffer.alloc(SNAPSHOT_BYTES_PER_MESSAGE * 100));
  // 100 files by the snapshot, enough for workers at 100: the directories' larger guess is not taken.
  expect(expectedFiles(config, snap, 100)).toBe(100);
  // Not enough at 101: the directories are asked, and their guess is the larger.
  expect(expectedFiles(config, snap, 101)).toBe(dirs);
  expect(expectedFiles(config, null, 100)).toBe(dirs);
});
