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
 * POOL_AFTER_IDS names have been seen, so a small spool never starts a thread; until a worker
 * answers, the main thread reads too. Rejects with SpoolAccessError when a directory or file
 * cannot be read.
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
 * worker's young generation is collected (256 cost ~10 MB more RSS at 100k).
 */
const SLICE_IDS = 64;
/**
 * Ids per slice when the listing's filter reads content (`--filter body:WORD`): most files are
 * then dropped after their one read, so a slice holds few entries, and larger slices mean fewer
 * messages between threads (about 15 % less CPU for `count --filter body:WORD` at 100k, the
 * same RSS).
 */
const SLICE_IDS_CONTENT = 256;
/**
 * Files read on the main thread alone before workers are started. Low: what the main thread
 * reads grows its heap for good (2,048 files first cost ~20 MB more RSS at any size).
 */
const POOL_AFTER_IDS = 128;

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
  // Defer logs read without their fstat (read-entry.ts): the list keeps no signatures.
  const deferReadAfter = Date.now();
  const ordinals = new Map<ReadSlice, number>();
  let seen = 0;
  // A listing error ends the slices for every taker and is thrown by the main thread: a
  // worker's feed (read-pool.ts) may be the one that meets it, in an event handler.
  let failure: unknown = null;
  function* numbered(): Generator<ReadSlice> {
    let n = 0;
    try {
      for (const slice of scanOrderSlices(config, queues, filterReadsContent(format.filter) ? SLICE_IDS_CONTENT : SLICE_IDS)) {
        const request: ReadSlice = { ...slice, deferReadAfter };
        ordinals.set(request, n++);
        seen += slice.ids.length;
        yield request;
      }
    } catch (error) {
      failure ??= error;
    }
  }
  const slices = numbered();

  let pool: ReadPool | null = null;
  // Set while the output is full; resolves when it drained.
  let full: Promise<void> | null = null;
  const done = new Map<number, { listed: ListedText; release: () => void }>();
  let next = 0;
  const finish = (slice: ReadSlice, listed: ListedText, release: () => void) => {
    const n = ordinals.get(slice)!;
    ordinals.delete(slice);
    done.set(n, { listed, release });
    for (let ready = done.get(next); ready !== undefined; ready = done.get(next)) {
      done.delete(next++);
      if (!sink.write(ready.listed, ready.release) && !full) {
        full = sink.drained().then(() => {
          full = null;
          pool?.resume();
        });
      }
    }
  };
  const noRelease = () => {};
  // --filter as text is matched as the files are read, here and in the workers alike.
  const readListed = filteredReader(config, format.filter);
  const readHere = (slice: ReadSlice) => {
    const entries: QueueEntry[] = [];
    for (const queueId of slice.ids) {
      const read = readListed(slice.queueName, `${slice.dir}/${queueId}`, queueId, deferReadAfter);
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
    const taken = [...ordinals].sort((a, b) => a[1] - b[1]);
    for (const [slice] of taken) readHere(slice);
  };

  let workers: Promise<void> | null = null;
  let answered = false;
  let crashed = false;
  try {
    for (;;) {
      if (!pool && !workers && seen >= (options.poolAfterIds ?? POOL_AFTER_IDS)) {
        // A `keep` function cannot cross to a worker: then the main thread reads it all (a
        // --filter comes as text, format.filter, which the workers compile themselves).
        pool = format.keep ? null : (options.createPool?.() ?? null);
        const p = pool;
        // Asked once: null means no threads here.
        workers = p
          ? p.runListing(
              slices,
              format,
              (slice, listed) => {
                answered = true;
                const bytes = listed.text as Uint8Array;
                finish(slice, listed, () => p.release(bytes.buffer as ArrayBuffer));
              },
              { held: () => full !== null, stopped: sink.closed },
            )
          : Promise.resolve();
        workers.catch((error: unknown) => {
          if (error instanceof SpoolAccessError) failure ??= error;
          else if (!crashed) {
            crashed = true;
            options.onWorkersLost?.(error instanceof Error ? error.message : String(error));
          }
        });
      }
      if (failure !== null) throw failure;
      if (sink.closed()) break;
      if (crashed && pool) takeOver();
      // Once the workers answer, the main thread only writes what they send.
      if (pool && answered) {
        await workers!.catch(() => {});
        if (!crashed) break;
        continue;
      }
      if (full) await full;
      const step = slices.next();
      if (step.done) break;
      readHere(step.value);
      // Workers' answers are taken in between the main thread's own slices.
      if (pool) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await workers?.catch(() => {});
    if (crashed && pool) takeOver();
    if (failure !== null) throw failure;
  } finally {
    pool?.close();
  }
}
