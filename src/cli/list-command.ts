/**
 * `postq list [--json] [--all] [--queue NAME[,NAME...]] [--filter EXPR]`: the queue as mailq or
 * postqueue -j print it, read from the spool directly. --all adds what postqueue leaves out
 * (corrupt/, incomplete and unlisted files), each marked with its state and diagnostics.
 * `postq count` is the same selection, printing only how many (exipick -bpc). Both stream in
 * mailq's order as the files are read (src/watch/read-stream.ts): memory stays flat.
 */
import { availableParallelism } from 'node:os';
import type { QueueEntry } from '../domain/entry.js';
import { UsageError } from '../domain/errors.js';
import { isQueueName, QUEUE_NAMES, SHOWQ_QUEUES, type QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { isListed, mailqLead, type ListFormat } from '../spool/list-format.js';
import { formatMailqFooter, MAILQ_EMPTY } from '../spool/mailq-format.js';
import { printable } from '../spool/printable.js';
import { createReadPool } from '../watch/read-pool.js';
import { streamListing, type ListingSink } from '../watch/read-stream.js';
import { checkSpool, scanQueues } from '../watch/scan.js';
import { applyCliFilter, compileCliFilter } from './cli-filter.js';
import { holdYoungGeneration } from './young-generation.js';
import { optimizeOnWorkerThreads } from './worker-optimizing.js';

/** Read workers for a large listing, at most (and no more than the cores). */
const LIST_WORKERS = 3;
/**
 * A worker's heap. Its garbage is short-lived and a slice's live data is small; V8 left to its
 * own limits let each worker grow to ~40 MB before collecting (RSS ~150 MB at 100k, 2 cores).
 * A worker whose file needs more dies and the main thread reads its share (read-stream.ts).
 * 4 + 12 MB: RSS ~110 MB at 100k; 2 + 8 MB saved 20 MB more but doubled the CPU spent (GC).
 */
const WORKER_YOUNG_MB = 4;
const WORKER_OLD_MB = 12;

export interface ListOptions {
  json: boolean;
  all: boolean;
  queues: QueueName[] | null;
  /** --filter EXPR: only the messages it matches. */
  filter?: string | null;
}

export function parseQueueList(value: string | undefined): QueueName[] | null {
  if (value === undefined) return null;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!isQueueName(name)) throw new UsageError(`unknown queue "${name}": expected one of ${QUEUE_NAMES.join(', ')}`);
  }
  return names as QueueName[];
}

/** The queues `list` reads, in showq's order (corrupt last, with --all). */
export function listedQueues(options: ListOptions): QueueName[] {
  const order: QueueName[] = options.all ? [...SHOWQ_QUEUES, 'corrupt'] : [...SHOWQ_QUEUES];
  return options.queues ? order.filter((q) => options.queues!.includes(q)) : order;
}

/** The entries `list` prints, in showq's order, all at once (for `postq top`). */
export function selectListed(config: SpoolConfig, options: ListOptions): QueueEntry[] {
  return applyCliFilter(config, scanQueues(config, listedQueues(options)), options.filter).filter((e) => isListed(e, options.all));
}

/**
 * The list format for these options. A filter goes as its text, checked here (a usage error
 * points at the spot) and compiled again by whoever reads (src/watch/filtered-read.ts): the
 * read workers too, so a filtered listing is read in parallel and each file opened once.
 */
function listFormat(config: SpoolConfig, options: ListOptions, json: boolean): ListFormat {
  const format: ListFormat = { json, all: options.all, longQueueIds: config.longQueueIds };
  if (options.filter !== null && options.filter !== undefined) {
    compileCliFilter(config, options.filter);
    format.filter = { text: options.filter, nowMs: Date.now() };
  }
  return format;
}

/** A read worker's failure, on stderr: the listing is still whole (the main thread reads the rest). */
const workersLost = {
  onWorkersLost: (why: string) => void process.stderr.write(`postq: a read worker stopped (${printable(why)}); the main thread reads the rest\n`),
};

function listPool(config: SpoolConfig) {
  // The workers read and format, the main thread writes: as many workers as cores.
  return createReadPool(config, { workers: Math.min(LIST_WORKERS, availableParallelism()), youngGenerationMb: WORKER_YOUNG_MB, oldGenerationMb: WORKER_OLD_MB });
}

/** What `list` writes to: process.stdout, or any writable stream. */
export type ListOutput = Pick<NodeJS.WritableStream, 'write' | 'once' | 'on' | 'off'>;

/**
 * Print as the files are read, in the queue scan's order (mailq's): one write per slice of
 * files, nothing kept after it is written, so memory stays flat however large the queue; a
 * full pipe pauses the reading. A reader that goes away (EPIPE) ends the listing quietly.
 */
export async function runList(config: SpoolConfig, options: ListOptions, out: ListOutput): Promise<number> {
  checkSpool(config);
  // The main thread only writes what the workers send: its young generation stays as it is.
  holdYoungGeneration();
  // Read workers made from here on optimize their code themselves (V8's shared threads keep what they malloc).
  optimizeOnWorkerThreads();
  const format = listFormat(config, options, options.json);
  let count = 0;
  let size = 0;
  let closed = false;
  const onError = () => (closed = true);
  // Kept to the end of the process: an EPIPE after the last write must not become an
  // uncaught error either.
  out.on('error', onError);
  const sink: ListingSink = {
    write(listed, done) {
      if (closed || listed.count === 0) return done(), true;
      const lead = format.json ? true : out.write(mailqLead(count, format));
      count += listed.count;
      size += listed.size;
      return out.write(listed.text, () => done()) && lead;
    },
    drained: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        const settle = () => (out.off('drain', settle), out.off('error', settle), resolve());
        out.once('drain', settle);
        out.once('error', settle);
      }),
    closed: () => closed,
  };
  await streamListing(config, listedQueues(options), format, sink, { createPool: () => listPool(config), ...workersLost });
  // postqueue -j prints nothing at all for an empty queue.
  if (!format.json && !closed) out.write(count === 0 ? MAILQ_EMPTY : `\n\n${formatMailqFooter(size, count)}\n`);
  return 0;
}

/** `postq count`: the number of messages `list` would print with the same options. */
export async function runCount(config: SpoolConfig, options: ListOptions, write: (text: string) => void): Promise<number> {
  checkSpool(config);
  holdYoungGeneration();
  optimizeOnWorkerThreads();
  let count = 0;
  const sink: ListingSink = {
    write: (listed, done) => ((count += listed.count), done(), true),
    drained: async () => {},
    closed: () => false,
  };
  const format = { ...listFormat(config, options, true), countOnly: true };
  await streamListing(config, listedQueues(options), format, sink, { createPool: () => listPool(config), ...workersLost });
  write(`${count}\n`);
  return 0;
}
