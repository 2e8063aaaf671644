/**
 * The initial index read by worker threads equals the one read on the main thread, entry for
 * entry, with the compiled worker (dist/, as `postq` runs) and with the inline worker code
 * the single-file bundle carries; afterwards a reconcile finds nothing the workers got wrong
 * (their file signatures are right). A worker that fails or crashes fails start() with its
 * error instead of leaving a half-read store.
 */
import { existsSync, watch } from 'node:fs';
import type { WatchFn } from '../../src/watch/dir-watchers.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { SpoolAccessError } from '../../src/domain/errors.js';
import { createReadPool } from '../../src/watch/read-pool.js';
import { streamListing } from '../../src/watch/read-stream.js';
import { SHOWQ_QUEUES } from '../../src/domain/queue.js';
import type { ReadWorkerSource } from '../../src/watch/read-worker-source.js';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';
import { waitFor } from '../helpers/wait-for.js';
// @ts-expect-error: a plain .mjs build script without types
import { workerCode } from '../../scripts/inline-read-worker.mjs';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

let compiled: ReadWorkerSource;
let inline: ReadWorkerSource;
beforeAll(async () => {
  await ensureBuilt();
  const file = join(REPO_ROOT, 'dist', 'watch', 'read-worker.js');
  expect(existsSync(file)).toBe(true);
  compiled = { url: pathToFileURL(file) };
  inline = { code: (await workerCode()) as string };
}, 180_000);

let copy: CorpusCopy;
let watcher: SpoolWatcher | null = null;
afterEach(() => {
  watcher?.stop();
  watcher = null;
  copy?.cleanup();
});

async function index(readWorkers: false | { minFiles: number; source: ReadWorkerSource; workers?: number; mainThreadReads?: boolean }) {
  const config = resolveSpoolConfig({ spool: copy.spool });
  const acc = new SpoolAccumulator();
  watcher = createSpoolWatcher(config, acc.apply, { readWorkers, reconcileMinMs: 3_600_000 });
  await watcher.start();
  const stats = watcher.stats;
  watcher.stop();
  return { acc, stats, config };
}

describe.each([
  ['the compiled worker (dist/)', () => compiled],
  ['the inline worker of the single-file bundle', () => inline],
])('%s', (_name, source) => {
  test('reads the corpus spool exactly as the main thread does', async () => {
    copy = copyCorpusSpool('basic');
    const main = await index(false);
    // Two workers, whatever this machine's core count; every read crosses threads.
    const pooled = await index({ minFiles: 0, source: source(), workers: 2, mainThreadReads: false });
    expect(main.stats.readWorkers).toBe(0);
    expect(pooled.stats.readWorkers).toBe(2);
    expect(pooled.acc.sorted().length).toBeGreaterThan(30);
    expect(pooled.acc.sorted()).toEqual(main.acc.sorted());
    expect(pooled.acc.sorted()).toEqual(freshScan(pooled.config));
  }, 60_000);
});

test('the signatures the workers took are right: a reconcile right after finds no difference', async () => {
  copy = copyCorpusSpool('basic');
  const config = resolveSpoolConfig({ spool: copy.spool });
  const acc = new SpoolAccumulator();
  watcher = createSpoolWatcher(config, acc.apply, { readWorkers: { minFiles: 0, source: compiled, mainThreadReads: false }, reconcileMinMs: 50, reconcileMaxMs: 100 });
  await watcher.start();
  const batches = acc.batches.length;
  // Generous: on a loaded machine (CI with three workers) the reconciles come late, not wrong.
  await waitFor(() => watcher!.stats.reconciles >= 2, { what: 'two reconciles', timeoutMs: 90_000 });
  expect(watcher.stats.reconcileDifferences).toBe(0);
  // The copy's defer logs are seconds old: the first reconcile reads them again to be sure
  // (incremental batches, never a full one), and the state stays a fresh scan.
  expect(acc.batches.slice(batches).some((b) => b.full)).toBe(false);
  expect(acc.sorted()).toEqual(freshScan(config));
}, 120_000);

test('the main thread and a worker share the slices of one index', async () => {
  copy = copyCorpusSpool('basic');
  const main = await index(false);
  const shared = await index({ minFiles: 0, source: compiled, workers: 1 });
  expect(shared.stats.readWorkers).toBe(1);
  expect(shared.acc.sorted()).toEqual(main.acc.sorted());
});

test('with the inotify watch limit reached, the initial index still uses the read workers', async () => {
  copy = copyCorpusSpool('basic');
  const config = resolveSpoolConfig({ spool: copy.spool });
  const acc = new SpoolAccumulator();
  // Every directory after the first is refused, as the kernel does at the limit.
  let calls = 0;
  const limited: WatchFn = (path, listener) => {
    if (++calls > 1) throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${path}'`), { code: 'ENOSPC' });
    return watch(path, { persistent: true }, listener);
  };
  watcher = createSpoolWatcher(config, acc.apply, { watch: limited, readWorkers: { minFiles: 0, source: compiled, workers: 1 }, pollMinMs: 60_000 });
  await watcher.start();
  expect(watcher.status.mode).toBe('polling');
  expect(watcher.status.message).toMatch(/inotify watch limit reached/);
  expect(watcher.stats.readWorkers).toBe(1);
  expect(acc.sorted()).toEqual(freshScan(config));
});

test('below the least number of files the index stays on the main thread', async () => {
  copy = copyCorpusSpool('basic');
  const { stats } = await index({ minFiles: 100_000, source: compiled });
  expect(stats.readWorkers).toBe(0);
});

describe('a worker that fails', () => {
  const config = resolveSpoolConfig({ spool: '/nonexistent' });
  const slices = [{ queueName: 'deferred' as const, dir: 'deferred/A', ids: ['A1B2C3D4E5'] }];
  /** Worker code standing in for read-worker.ts at the protocol's edge. */
  const fake = (onRequest: string): ReadWorkerSource => ({
    code: `const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (request) => { ${onRequest} });
      parentPort.postMessage({ ready: true });`,
  });

  test('a permission error comes back as a SpoolAccessError', async () => {
    const pool = createReadPool(config, { source: fake(`parentPort.postMessage({ seq: request.seq, failure: { message: 'permission denied reading x', path: 'x', code: 'EACCES' } });`) })!;
    try {
      const error = await pool.run(slices, () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpoolAccessError);
      expect(error).toMatchObject({ message: 'permission denied reading x', code: 'EACCES', path: 'x' });
    } finally {
      pool.close();
    }
  });

  test('a crash rejects with the crash, and nothing is filed', async () => {
    const pool = createReadPool(config, { source: fake(`throw new Error('reader bug')`) })!;
    const filed: unknown[] = [];
    try {
      await expect(pool.run(slices, (s) => filed.push(s))).rejects.toThrow('reader bug');
      expect(filed).toEqual([]);
    } finally {
      pool.close();
    }
  });

  test("a listing's buffer goes back to the worker that filled it", async () => {
    // Each worker marks its buffers with its thread id and counts the ones it gets back from
    // another thread; each answer carries that count. Round the workers, half came back wrong.
    const pool = createReadPool(config, {
      workers: 2,
      source: fake(`const id = require('node:worker_threads').threadId & 255;
        globalThis.wrong ??= 0;
        if (request.release) return void (new Uint8Array(request.release)[0] !== id && globalThis.wrong++);
        const bytes = new Uint8Array(new ArrayBuffer(16));
        bytes[0] = id;
        parentPort.postMessage({ seq: request.seq, listed: { bytes, count: globalThis.wrong, size: 0 } }, [bytes.buffer]);`),
    })!;
    const many = Array.from({ length: 40 }, (_, i) => ({ ...slices[0]!, ids: [`A1B2C3D4E${i}`] }));
    const format = { json: true, all: false, longQueueIds: false };
    const fillers = new Set<number>();
    const wrong: number[] = [];
    const round = () =>
      pool.runListing(many, format, (_slice, listed) => {
        const bytes = listed.text as Uint8Array;
        fillers.add(bytes[0]!);
        wrong.push(listed.count);
        pool.release(bytes.buffer as ArrayBuffer);
      });
    try {
      // On a loaded machine one worker may answer a whole round before the other has started:
      // rounds until both fill, then two more, whose answers count what came back to each.
      const deadline = Date.now() + 30_000;
      while (fillers.size < 2 && Date.now() < deadline) await round();
      wrong.length = 0;
      await round();
      await round();
    } finally {
      pool.close();
    }
    expect(fillers.size).toBe(2);
    expect(wrong).toHaveLength(80);
    expect(Math.max(...wrong)).toBe(0);
  });
});

test('a listing whose worker crashes is still whole (the main thread reads the rest), and says so', async () => {
  copy = copyCorpusSpool('basic');
  const config = resolveSpoolConfig({ spool: copy.spool });
  const format = { json: true, all: true, longQueueIds: config.longQueueIds };
  const listing = async (createPool?: () => ReturnType<typeof createReadPool>) => {
    const lost: string[] = [];
    let text = '';
    const sink = {
      write: (l: { text: string | Uint8Array }, done: () => void) => ((text += typeof l.text === 'string' ? l.text : Buffer.from(l.text).toString('utf8')), done(), true),
      drained: async () => {},
      closed: () => false,
    };
    await streamListing(config, [...SHOWQ_QUEUES, 'corrupt'], format, sink, createPool ? { createPool, poolAfterIds: 0, onWorkersLost: (why) => lost.push(why) } : {});
    return { text, lost };
  };
  // It dies as it starts: the main thread has read a slice or two by then, and reads the rest.
  const crashing: ReadWorkerSource = { code: `throw new Error('reader bug');` };
  const alone = await listing();
  const crashed = await listing(() => createReadPool(config, { source: crashing, workers: 1 }));
  expect(alone.text.split('\n').length).toBeGreaterThan(3);
  expect(crashed.text).toBe(alone.text);
  expect(crashed.lost).toHaveLength(1);
  expect(crashed.lost[0]).toMatch(/reader bug/);
});
