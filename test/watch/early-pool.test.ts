/**
 * A warm start whose snapshot says the spool is large starts its read workers before listing
 * the spool (they take 100-250 ms to load), and they take the lstats of each directory as soon
 * as it is listed, after its watch and the defer tree's; a snapshot that turns out unusable
 * stops them and the spool is read. Without such a snapshot they start after the listing, only
 * when the listing is large. The hint is the snapshot's size and nothing else: a missing file,
 * a symlink or a directory gives none, and the index is the same either way.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { SNAPSHOT_BYTES_PER_MESSAGE, snapshotFilesHint } from '../../src/watch/index-snapshot.js';
import { buildInitialIndex } from '../../src/watch/initial-index.js';
import { readEntryWithStats } from '../../src/watch/read-entry.js';
import type { ReadPool, ReadSlice } from '../../src/watch/read-pool.js';
import { loadTrust } from '../../src/watch/snapshot-trust.js';
import { statSlice } from '../../src/watch/stat-figures.js';
import type { SpoolConfig } from '../../src/config/spool-config.js';
import { SpoolIndex } from '../../src/watch/spool-index.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { createSlicer } from '../../src/watch/time-slice.js';
import { builtReadWorker, useBuiltWorkerAndCleanups } from '../helpers/built-read-worker.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

const { cleanups, corpus } = useBuiltWorkerAndCleanups();
const source = builtReadWorker;

/** The order of directory announcements and the pool's start in one index of the corpus. */
async function order(expectedFiles: number, poolMinFiles: number) {
  const config = resolveSpoolConfig({ spool: corpus().spool });
  const seen: string[] = [];
  const acc = new SpoolAccumulator();
  await buildInitialIndex(config, new SpoolIndex(), createSlicer(), acc.apply, {
    batchEveryMs: 50,
    poolMinFiles,
    expectedFiles,
    // No workers: the index reads on the main thread; only the moment of asking is measured.
    createPool: () => (seen.push('pool'), null),
    onDir: (rel) => seen.push(rel),
  });
  expect(acc.sorted()).toEqual(freshScan(config));
  return seen;
}

test('a snapshot hint of at least poolMinFiles starts the pool before the first directory is listed', async () => {
  const seen = await order(10, 10);
  expect(seen[0]).toBe('pool');
  expect(seen.filter((s) => s === 'pool')).toHaveLength(1);
  expect(seen.length).toBeGreaterThan(3);
});

test('without a large enough hint the pool is asked for after the listing, once, when the listing is large', async () => {
  for (const seen of [await order(0, 1), await order(9, 10)]) {
    expect(seen.filter((s) => s === 'pool')).toHaveLength(1);
    // After every queue directory was listed (the defer tree is announced after the pool starts).
    const lastQueueDir = seen.findLastIndex((s) => s !== 'pool' && s !== 'defer' && !s.startsWith('defer/'));
    expect(seen.indexOf('pool')).toBe(lastQueueDir + 1);
  }
  // A hint below poolMinFiles and a listing below it too: no pool at all.
  expect(await order(9, 1_000_000)).not.toContain('pool');
});

test('the hint is the snapshot file size over the bytes a message takes, and none for anything but a regular file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postq-hint-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'index.snapshot');
  writeFileSync(file, Buffer.alloc(SNAPSHOT_BYTES_PER_MESSAGE * 7 + 10));
  expect(snapshotFilesHint(file)).toBe(7);
  expect(snapshotFilesHint(join(dir, 'none'))).toBe(0);
  symlinkSync(file, join(dir, 'link'));
  expect(snapshotFilesHint(join(dir, 'link'))).toBe(0);
  mkdirSync(join(dir, 'sub'));
  expect(snapshotFilesHint(join(dir, 'sub'))).toBe(0);
});

test('the watcher starts its worker from the snapshot hint alone, and the warm start still equals a fresh scan', async () => {
  const copy = corpus();
  const config = resolveSpoolConfig({ spool: copy.spool });
  const snap = join(dirname(copy.spool), 'state', 'index.snapshot');
  const run = async (minFiles: number) => {
    const acc = new SpoolAccumulator();
    const readWorkers = { minFiles, source, workers: 1, mainThreadReads: false };
    const watcher = createSpoolWatcher(config, acc.apply, { readWorkers, reconcileMinMs: 3_600_000, snapshot: { path: snap, version: 'test' } });
    await watcher.start();
    watcher.stop();
    return { shown: acc.sorted(), stats: watcher.stats };
  };
  const cold = await run(1_000_000);
  expect(cold.stats.readWorkers).toBe(0);
  const hint = snapshotFilesHint(snap);
  const files = freshScan(config).length;
  // A pool of poolMinFiles = hint: too many for the listing to ask for one, enough for the hint.
  expect(hint).toBeGreaterThan(files);
  const warm = await run(hint);
  expect(warm.stats.readWorkers).toBe(1);
  expect(warm.stats.snapshotTrusted).toBe(warm.stats.files);
  expect(warm.shown).toEqual(freshScan(config));
});

/**
 * A pool whose worker is loaded already and answers at once (real lstats and reads on this
 * thread), logging each lstat slice it takes: it takes them whenever the index lets it (held).
 */
function loggingPool(config: SpoolConfig, log: string[]): ReadPool {
  let pump = () => {};
  const pool = {
    size: 1,
    runLstat(slices: Iterable<ReadSlice>, onFigures: (slice: ReadSlice, figures: Float64Array) => void, options: { stopped?: () => boolean; held?: () => boolean } = {}) {
      const pending = slices[Symbol.iterator]();
      return new Promise<void>((resolve) => {
        pump = () => {
          while (!options.stopped?.() && !options.held?.()) {
            const next = pending.next();
            if (next.done) return resolve();
            log.push(`lstat ${next.value.dir}`);
            onFigures(next.value, statSlice(config, next.value.queueName, next.value.dir, next.value.ids));
          }
          if (options.stopped?.()) resolve();
        };
        pump();
      });
    },
    async run(slices: Iterable<ReadSlice>, onReads: (slice: ReadSlice, reads: unknown[]) => void) {
      for (const s of slices) (log.push(`read ${s.dir}`), onReads(s, s.ids.map((id) => readEntryWithStats(config, s.queueName, `${s.dir}/${id}`, id, true))));
    },
    resume: () => pump(),
    close() {},
  };
  return pool as unknown as ReadPool;
}

test('a warm start lstats each directory as it is listed, after its watch and the defer tree\'s; an unusable snapshot stops that', async () => {
  const copy = corpus();
  const config = resolveSpoolConfig({ spool: copy.spool });
  const snap = join(dirname(copy.spool), 'state', 'index.snapshot');
  const cold = createSpoolWatcher(config, new SpoolAccumulator().apply, { readWorkers: false, reconcileMinMs: 3_600_000, snapshot: { path: snap, version: 'test' } });
  await cold.start();
  cold.stop();
  const start = async (version: string) => {
    const log: string[] = [];
    const acc = new SpoolAccumulator();
    const index = new SpoolIndex();
    await buildInitialIndex(config, index, createSlicer(), acc.apply, {
      batchEveryMs: 50,
      poolMinFiles: 10,
      expectedFiles: 10,
      createPool: () => loggingPool(config, log),
      onDir: (rel) => log.push(`dir ${rel}`),
      onListed: () => log.push('listed'),
      loadTrust: async () => (await loadTrust(config, { path: snap, version }, index)).trust,
    });
    expect(acc.sorted()).toEqual(freshScan(config));
    return { log };
  };

  const { log } = await start('test');
  const firstLstat = log.findIndex((l) => l.startsWith('lstat '));
  // Before the listing was done, not after it.
  expect(firstLstat).toBeGreaterThan(-1);
  expect(firstLstat).toBeLessThan(log.indexOf('listed'));
  // Each directory's watch before its lstats, the defer tree's before any.
  for (const [i, line] of log.entries()) if (line.startsWith('lstat ')) expect(log.indexOf(`dir ${line.slice(6)}`)).toBeLessThan(i);
  expect(log.indexOf('dir defer')).toBeGreaterThan(-1);
  expect(log.indexOf('dir defer')).toBeLessThan(firstLstat);
  expect(log.some((l) => l.startsWith('read '))).toBe(false);

  // Another version's snapshot: not used; every file read, and no lstat once that was known.
  const other = await start('other');
  expect(other.log.filter((l) => l.startsWith('read ')).length).toBeGreaterThan(0);
  const lastLstat = other.log.findLastIndex((l) => l.startsWith('lstat '));
  expect(lastLstat).toBeLessThan(other.log.findIndex((l) => l.startsWith('read ')));
});
