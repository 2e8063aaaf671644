/**
 * `postq list` as it reads: some queues in showq's order, each slice of files read, filtered
 * and formatted (list-format.ts) and handed over in that order, holding only the slices in
 * flight. A large spool is read by the read workers (read-pool.ts), which also format, so the
 * main thread only writes: its heap (and so the process's RSS) stays small and flat however
 * large the queue, where reading and formatting on the main thread grew its young generation
 * to ~90 MB. Slices that come back early wait for the ones before them.
 *
 * Contract: `onText` gets the text of every slice exactly once, in scan-order.ts's order
 * (files that vanished or are not regular files are skipped). The pool is asked for only once
 * POOL_AFTER_IDS names have been listed, so a small spool never starts a thread; the main
 * thread reads only when there is no pool (a small spool, one core) or its workers died, and
 * at most AHEAD answered slices wait for an earlier one. Rejects with SpoolAccessError when a
 * directory or file cannot be read.
 */
import type { QueueEntry } from '../domain/entry.js';
import { SpoolAccessError } from '../domain/errors.js';
import { formatListed, type ListedText, type ListFormat } from '../spool/list-format.js';
import type { QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { filteredReader, filterReadsContent } from './filtered-read.js';
import type { ReadPool, ReadSlice } from './read-pool.js';
import { scanOrderSlices } from './scan-order.js';

/**
 * Ids per slice, the unit of output: small, so that a slice's entries are dead before a
 * worker's young generation is collected (256 cost ~10 MB more RSS at 100k). At 64 a slice
 * (~750 KB allocated) was often still being read at a collection of the workers' 1 MB
 * semi-spaces: ~200 KB of it survived each one (450 MB copied per worker at 300,000 messages,
 * and some of it promoted); at 32, ~50 KB, and `list --json`'s peak RSS 300k 87.7-88.3 MB
 * against 89.5-92.6, 100k 83.7-84.6 MB (one 89.7) against 86.0-88.0, CPU no more (load 25).
 */
export const SLICE_IDS = 32;
/**
 * Ids per slice when the listing's filter reads content (`--filter body:WORD`): most files are
 * then dropped after their one read, so a slice holds few entries, and larger slices mean fewer
 * messages between threads (about 15 % less CPU for `count --filter body:WORD` at 100k, the
 * same RSS).
 */
const SLICE_IDS_CONTENT = 256;
/**
 * Names listed before the workers are asked for: fewer, and the main thread reads them all.
 * The main thread reads none of a larger listing, not even while the workers start: what it
 * reads grows its heap for good (its young generation has no limit a process can set for
 * itself: 128 files read first doubled it to 8 MB; 2,048 cost ~20 MB more RSS at any size).
 */
const POOL_AFTER_IDS = 128;
/**
 * Answered slices that may wait for an earlier one before no more go out. A worker that
 * stalls (descheduled on a loaded machine, a long collection) used to let the others read on
 * unboundedly: 28-68 slices waited, each in a text buffer of its own (10-17 MB more RSS at
 * 100k, and more the longer the stall).
 */
export const AHEAD = 8;

export interface ReadStreamOptions {
  /** Read workers; called once the spool turns out large. Null or absent: main thread only. */
  createPool?(): ReadPool | null;
  /** Names seen before the pool is asked for (default POOL_AFTER_IDS; tests of the worker path use 0). */
  poolAfterIds?: number;
  /**
   * Told when the workers failed (a crash, a worker out of its memory limit) and the main
   * thread reads the rest: the output stays whole, only slower, and the user should know.
   */
  onWorkersLost?(why: string): void;
}

/**
 * Where the text goes. `write` returns false when the output is full (a pipe whose reader is
 * slower than postq): no more slices are read until `drained()` resolves, so memory stays
 * bounded. `done` is called once the bytes have been written (their buffer goes back to the
 * worker that filled it).
 */
export interface ListingSink {
  write(listed: ListedText, done: () => void): boolean;
  drained(): Promise<void>;
  /** True once the output is gone (EPIPE): stop reading. */
  closed(): boolean;
}

export async function streamListing(
  config: SpoolConfig,
  queues: readonly QueueName[],
  format: ListFormat,
  sink: ListingSink,
  options: ReadStreamOptions = {},
): Promise<void> {
  const ordinals = new Map<ReadSlice, number>();
  let seen = 0;
  // A listing error ends the slices for every taker and is thrown by the main thread: a
  // worker's feed (read-pool.ts) may be the one that meets it, in an event handler.
  let failure: unknown = null;
  function* numbered(): Generator<ReadSlice> {
    let n = 0;
    try {
      for (const slice of scanOrderSlices(config, queues, filterReadsContent(format.filter) ? SLICE_IDS_CONTENT : SLICE_IDS)) {
        ordinals.set(slice, n++);
        seen += slice.ids.length;
        yield slice;
      }
    } catch (error) {
      failure ??= error;
    }
  }
  const slices = numbered();
  /** Slices listed before the pool was asked for: the pool's first, or the main thread's. */
  const early: ReadSlice[] = [];
  function* queued(): Generator<ReadSlice> {
    while (early.length > 0) yield early.shift()!;
    yield* slices;
  }
  const order = queued();

  let pool: ReadPool | null = null;
  // Set while the output is full; resolves when it drained.
  let full: Promise<void> | null = null;
  const done = new Map<number, { listed: ListedText; release: () => void }>();
  let next = 0;
  const finish = (slice: ReadSlice, listed: ListedText, release: () => void) => {
    const n = ordinals.get(slice)!;
    ordinals.delete(slice);
    done.set(n, { listed, release });
    let wrote = false;
    for (let ready = done.get(next); ready !== undefined; ready = done.get(next)) {
      done.delete(next++);
      wrote = true;
      if (!sink.write(ready.listed, ready.release) && !full) {
        full = sink.drained().then(() => {
          full = null;
          pool?.resume();
        });
      }
    }
    // Slices held back while too many waited (held() below) go out again.
    if (wrote && !full && done.size < AHEAD) pool?.resume();
  };
  const noRelease = () => {};
  // --filter as text is matched as the files are read, here and in the workers alike.
  const readListed = filteredReader(config, format.filter);
  const readHere = (slice: ReadSlice) => {
    const entries: QueueEntry[] = [];
    for (const queueId of slice.ids) {
      const read = readListed(slice.queueName, `${slice.dir}/${queueId}`, queueId, true);
      if (read) entries.push(read.entry);
    }
    finish(slice, formatListed(entries, format), noRelease);
  };
  /**
   * A worker that died for another reason than a permission error (a file whose parse needs
   * more than its heap limit, say): the main thread, which has no such limit, reads what the
   * workers had taken and not answered, in order, then the rest.
   */
  const takeOver = () => {
    pool?.close();
    pool = null;
    // Every slice listed and not answered: taken by a worker, or still early.
    const taken = [...ordinals].sort((a, b) => a[1] - b[1]);
    early.length = 0;
    for (const [slice] of taken) readHere(slice);
  };

  let workers: Promise<void> | null = null;
  let crashed = false;
  try {
    // Listed, not read: a small spool is then read here, a large one goes to the workers whole.
    const poolAfterIds = options.poolAfterIds ?? POOL_AFTER_IDS;
    while (seen < poolAfterIds) {
      const step = slices.next();
      if (step.done) break;
      early.push(step.value);
    }
    if (failure === null && seen >= poolAfterIds) {
      // A `keep` function cannot cross to a worker: then the main thread reads it all (a
      // --filter comes as text, format.filter, which the workers compile themselves).
      pool = format.keep ? null : (options.createPool?.() ?? null);
      const p = pool;
      // Asked once: null means no threads here.
      workers = p
        ? p.runListing(
            order,
            format,
            (slice, listed) => {
              const bytes = listed.text as Uint8Array;
              finish(slice, listed, () => p.release(bytes.buffer as ArrayBuffer));
            },
            { held: () => full !== null || done.size >= AHEAD, stopped: sink.closed },
          )
        : null;
      workers?.catch((error: unknown) => {
        if (error instanceof SpoolAccessError) failure ??= error;
        else if (!crashed) {
          crashed = true;
          options.onWorkersLost?.(error instanceof Error ? error.message : String(error));
        }
      });
    }
    for (;;) {
      if (failure !== null) throw failure;
      if (sink.closed()) break;
      if (crashed && pool) takeOver();
      // With workers the main thread only writes what they send.
      if (pool) {
        await workers!.catch(() => {});
        if (!crashed) break;
        continue;
      }
      if (full) await full;
      const step = order.next();
      if (step.done) break;
      readHere(step.value);
    }
    await workers?.catch(() => {});
    if (crashed && pool) takeOver();
    if (failure !== null) throw failure;
  } finally {
    pool?.close();
  }
}
