/**
 * A pool of read workers (read-worker.ts) for the initial index of a large spool: slices of
 * directory listings go out, entries come back, at most IN_FLIGHT slices per worker, so
 * memory stays bounded. The main thread files what comes back, between reads of its own.
 *
 * Why threads: reading a file is about half system calls and half parsing, all synchronous
 * (fs.promises is 6x slower here, stack-notes section 1). showq + postqueue are two processes;
 * two readers are what it takes to keep up with them. The main thread is one (it reads
 * between filing what comes back), so the pool has one worker per further core: more
 * threads than cores only add switching and the cost of crossing threads.
 *
 * Contract: createReadPool() returns null when there is no worker code (run from sources),
 * one core, or a thread cannot be started. run() takes slices from the iterator as workers
 * are free (others may take from it too) and resolves when it is empty and every slice taken
 * is answered; it rejects with a SpoolAccessError on a permission error, or with the error of
 * a worker that crashed, and stops taking slices once `options.stopped()` says so. close()
 * terminates the workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SpoolConfig } from '../config/spool-config.js';
import { SpoolAccessError } from '../domain/errors.js';
import type { EntryRead } from './read-entry.js';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-protocol.js';
import { readWorkerSource, type ReadWorkerSource } from './read-worker-source.js';
import { decodeReads } from './read-wire.js';
import type { ListedText, ListFormat } from '../spool/list-format.js';

type Answer = Exclude<ReadReply, { ready: true } | { failure: unknown }>;

/** The main thread reads too (initial-index.ts): one worker per further core, up to this. */
const MAX_WORKERS = 3;
const YOUNG_GENERATION_MB = 16;
/**
 * Slices per worker at a time (~12 ms of reading each): in the console the main thread can be
 * busy for tens of ms (a store update and a frame) before it hands out the next slice; four
 * keep a worker reading through that.
 */
const IN_FLIGHT = 4;
/**
 * The same for a warm start's lstat slices (~2-3 ms each in a worker): the main thread files
 * what comes back in turns of about 8 ms of its own lstats and filing, and four slices left the
 * worker idle for much of that (55-75 % of some 200 ms stretches of a profile at 100k).
 */
const LSTAT_IN_FLIGHT = 16;

export type ReadSlice = Omit<ReadRequest, 'seq'>;

export interface ReadPool {
  /** `intern` goes to decodeReads (read-wire.ts): applied once per distinct delay reason. */
  run(slices: Iterable<ReadSlice>, onReads: (slice: ReadSlice, reads: Array<EntryRead | null>) => void, options?: RunOptions): Promise<void>;
  /** The same for `postq list`: each slice comes back as the text it prints (list-format.ts). */
  runListing(slices: Iterable<ReadSlice>, format: ListFormat, onText: (slice: ReadSlice, listed: ListedText) => void, options?: RunOptions): Promise<void>;
  /** A warm start: each slice comes back as the lstat figures of its files and defer logs (stat-figures.ts). */
  runLstat(slices: Iterable<ReadSlice>, onFigures: (slice: ReadSlice, figures: Float64Array) => void, options?: RunOptions): Promise<void>;
  /** After `held()` turned false again: hand out slices to the idle workers. */
  resume(): void;
  /** A listing's text buffer, written and no longer needed: back to the worker that filled it, for its next slice. */
  release(buffer: ArrayBuffer): void;
  close(): void;
  readonly size: number;
}

export interface RunOptions {
  stopped?: () => boolean;
  /** True while the consumer cannot take more (the output is full): no new slices go out. */
  held?: () => boolean;
  intern?: (s: string) => string;
  /** Goes to decodeReads too: applied once per distinct sender or address (SpoolIndex.share). */
  share?: (s: string) => string;
}

export interface ReadPoolOptions {
  workers?: number;
  /** The worker code; default: readWorkerSource(). */
  source?: ReadWorkerSource | null;
  /** Each worker's young generation (default 16 MB). */
  youngGenerationMb?: number;
  /**
   * Each worker's old generation; default: V8's. A small one makes V8 collect early (flat
   * RSS); a worker that runs out of it dies, and the caller must be ready to read its share.
   */
  oldGenerationMb?: number;
}

function spawn(source: ReadWorkerSource, config: SpoolConfig, limits: { youngGenerationMb: number; oldGenerationMb?: number | undefined }): Worker {
  const workerData: ReadWorkerData = { config };
  // A worker's garbage is all short-lived: a young generation of 16 MB keeps each worker's
  // footprint small (the index's peak RSS at 100k stays under 250 MB) at little GC cost.
  const resourceLimits = { maxYoungGenerationSizeMb: limits.youngGenerationMb, ...(limits.oldGenerationMb ? { maxOldGenerationSizeMb: limits.oldGenerationMb } : {}) };
  const worker = 'url' in source ? new Worker(source.url, { workerData, resourceLimits }) : new Worker(source.code, { eval: true, workerData, resourceLimits });
  // A console quit during the index must not wait for the readers.
  worker.unref();
  return worker;
}

export function createReadPool(config: SpoolConfig, options: ReadPoolOptions = {}): ReadPool | null {
  const source = options.source === undefined ? readWorkerSource() : options.source;
  const count = options.workers ?? Math.min(MAX_WORKERS, availableParallelism() - 1);
  if (!source || count < 1) return null;
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(spawn(source, config, { youngGenerationMb: options.youngGenerationMb ?? YOUNG_GENERATION_MB, oldGenerationMb: options.oldGenerationMb }));
  } catch {
    // No threads to be had (resource limits): the main thread reads, as on one core.
    for (const worker of workers) void worker.terminate();
    return null;
  }
  // Workers load while the main thread reads its first slices; run() may start before or after.
  const ready = new Set<Worker>();
  let broken: Error | null = null;
  for (const worker of workers) {
    worker.once('message', (reply: ReadReply) => 'ready' in reply && ready.add(worker));
    worker.on('error', (error) => (broken ??= error));
  }
  let closed = false;
  let refill = () => {};
  let releaseTo = 0;
  /**
   * Which worker filled a listing's buffer: it goes back there. Sent round the workers instead,
   * buffers were freed by threads that did not allocate them, and `postq list --json`'s RSS
   * grew with the spool (112-127 MiB at 300k against 98-105 at 100k; 101-104 going back).
   */
  const filledBy = new WeakMap<ArrayBuffer, Worker>();

  /** Hand out slices (with `format` for a listing, `lstat` for figures) and pass each answer to `onAnswer`. */
  function dispatch(slices: Iterable<ReadSlice>, kind: Pick<ReadRequest, 'format' | 'lstat'>, onAnswer: (slice: ReadSlice, reply: Answer, worker: Worker) => void, options: RunOptions): Promise<void> {
    const most = kind.lstat ? LSTAT_IN_FLIGHT : IN_FLIGHT;
    const stopped = options.stopped ?? (() => false);
    const held = options.held ?? (() => false);
    const inFlight = new Map<Worker, number>();
    const pending = slices[Symbol.iterator]();
    const waiting = new Map<number, ReadSlice>();
    let seq = 0;
    let exhausted = false;
    return new Promise<void>((resolve, reject) => {
      if (broken) return reject(broken);
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        detach();
        reject(error);
      };
      const feed = (worker: Worker): boolean => {
        if (failed || exhausted || stopped() || held()) return false;
        const next = pending.next();
        if (next.done) {
          exhausted = true;
          return false;
        }
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1);
        const request: ReadRequest = { seq: ++seq, ...next.value, ...kind };
        waiting.set(request.seq, next.value);
        worker.postMessage(request);
        return true;
      };
      refill = () => {
        for (const worker of ready) for (let i = inFlight.get(worker) ?? 0; i < most; i++) if (!feed(worker)) break;
        settleIfDone();
      };
      const settleIfDone = () => {
        if (!failed && waiting.size === 0 && (exhausted || stopped())) {
          detach();
          resolve();
        }
      };
      const handlers = workers.map((worker) => {
        const onMessage = (reply: ReadReply) => {
          if ('ready' in reply) {
            for (let i = 0; i < most; i++) feed(worker);
          } else {
            const slice = waiting.get(reply.seq)!;
            waiting.delete(reply.seq);
            inFlight.set(worker, inFlight.get(worker)! - 1);
            if ('failure' in reply) return fail(new SpoolAccessError(reply.failure.message, reply.failure.path, reply.failure.code));
            try {
              onAnswer(slice, reply, worker);
            } catch (error) {
              return fail(error as Error);
            }
            feed(worker);
          }
          settleIfDone();
        };
        const onError = (error: Error) => fail(error);
        const onExit = (code: number) => {
          if (stopped()) {
            // close() while the index ran (the console quit): nothing more is wanted.
            detach();
            resolve();
          } else fail(new Error(`a read worker exited (code ${code}) during the index`));
        };
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
        return { worker, onMessage, onError, onExit };
      });
      for (const worker of ready) for (let i = 0; i < most; i++) feed(worker);
      settleIfDone();
      function detach() {
        for (const h of handlers) h.worker.off('message', h.onMessage).off('error', h.onError).off('exit', h.onExit);
      }
    });
  }

  return {
    run: (slices, onReads, options = {}) =>
      dispatch(slices, {}, (slice, reply) => 'wire' in reply && onReads(slice, decodeReads(reply.wire, slice, options.intern, options.share)), options),
    runListing: (slices, format, onText, options = {}) =>
      dispatch(slices, { format }, (slice, reply, worker) => {
        if (!('listed' in reply)) return;
        filledBy.set(reply.listed.bytes.buffer as ArrayBuffer, worker);
        onText(slice, { text: reply.listed.bytes, count: reply.listed.count, size: reply.listed.size });
      }, options),
    runLstat: (slices, onFigures, options = {}) => dispatch(slices, { lstat: true }, (slice, reply) => 'figures' in reply && onFigures(slice, reply.figures), options),
    resume: () => refill(),
    release(buffer) {
      if (closed) return;
      const worker = filledBy.get(buffer) ?? workers[releaseTo++ % workers.length]!;
      worker.postMessage({ release: buffer }, [buffer]);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const worker of workers) void worker.terminate();
    },
    size: count,
  };
}
