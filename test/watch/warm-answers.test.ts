/**
 * A warm start files the read workers' lstat answers one slice per turn of the time slice, not
 * in the message handler as they come: a message port hands over every answer that arrived in
 * one go (the pool keeps 16 slices in flight), and filed there they were one block of the main
 * thread with no key or frame in between. What is filed is the same: every file the snapshot
 * vouches for, none twice. The pool here answers every slice it took in one burst; the lstats
 * it answers with are real (stat-figures.ts on a copy of the corpus spool).
 */
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import { walkTree, type DirListing } from '../../src/watch/list-tree.js';
import type { ReadPool, ReadSlice } from '../../src/watch/read-pool.js';
import { loadTrust } from '../../src/watch/snapshot-trust.js';
import { SpoolIndex } from '../../src/watch/spool-index.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { statSlice } from '../../src/watch/stat-figures.js';
import type { Slicer } from '../../src/watch/time-slice.js';
import { fileFromSnapshot } from '../../src/watch/warm-index.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { SpoolAccumulator } from './accumulator.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());
const config = resolveSpoolConfig({ spool: copy.spool });

/** Takes every slice at once and answers them all in one burst, on the next turn of the loop. */
function burstPool(): ReadPool & { answered: number } {
  const pool = {
    answered: 0,
    runLstat(slices: Iterable<ReadSlice>, onFigures: (slice: ReadSlice, figures: Float64Array) => void) {
      const taken = [...slices].map((s) => [s, statSlice(config, s.queueName, s.dir, s.ids)] as const);
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          for (const [slice, figures] of taken) (onFigures(slice, figures), pool.answered++);
          resolve();
        }),
      );
    },
  };
  return pool as unknown as ReadPool & { answered: number };
}

/** A slice that is always used up: every check pauses, and each turn's work is recorded. */
function countingSlicer(turns: string[][]): Slicer {
  turns.push([]);
  return {
    begin() {},
    due: true,
    async pause() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turns.push([]);
    },
    longestSliceMs: 0,
  };
}

test('a burst of worker answers is filed one slice per turn, and every trusted file once', async () => {
  const snap = join(dirname(copy.spool), 'state', 'index.snapshot');
  const cold = createSpoolWatcher(config, new SpoolAccumulator().apply, { readWorkers: false, reconcileMinMs: 3_600_000, snapshot: { path: snap, version: 'test' } });
  await cold.start();
  cold.stop();
  const files = cold.stats.files;

  const index = new SpoolIndex();
  const { trust } = await loadTrust(config, { path: snap, version: 'test' }, index);
  expect(trust).not.toBeNull();
  const listings = QUEUE_NAMES.map((q) => [q, [...walkTree(config.queueDirectory, q, q !== 'maildrop')]] as [QueueName, DirListing[]]);
  const slices = listings.flatMap(([, dirs]) => dirs.filter((d) => d.ids.length > 0));
  expect(slices.length).toBeGreaterThan(4);

  const turns: string[][] = [];
  const pool = burstPool();
  const filed: string[] = [];
  await fileFromSnapshot(config, listings, trust!, pool, {
    slicer: countingSlicer(turns),
    stopped: () => false,
    emitDue: () => {},
    file: (_id, read) => (filed.push(read.entry.path), turns.at(-1)!.push(read.entry.path)),
    mainThreadStats: false,
  });
  expect(pool.answered).toBe(slices.length);
  expect(filed).toHaveLength(files);
  expect(new Set(filed).size).toBe(files);
  expect(listings.every(([, dirs]) => dirs.every((d) => d.ids.length === 0))).toBe(true);
  // Each turn filed one directory's slice at most.
  for (const turn of turns) expect(new Set(turn.map((p) => p.slice(0, p.lastIndexOf('/')))).size).toBeLessThanOrEqual(1);
  expect(turns.filter((t) => t.length > 0).length).toBe(slices.length);
});
