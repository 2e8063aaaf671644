/**
 * The initial index: list every queue first (names only; at 100k files that is a fraction of a
 * second) and hand the counts to the sink at once, then read the files with sync reads,
 * time-sliced, streaming upserts. Small queues are read first so the console fills from the
 * queues an admin looks at first; deferred (the big one) last. A large spool (POOL_MIN_FILES)
 * is read by worker threads too when the caller provides a pool (read-pool.ts): they and the
 * main thread take slices from one queue, and the main thread files what they send back
 * between its own reads, key presses and frames. On a warm start (a snapshot, warm-index.ts)
 * the same workers first take the lstats that decide what the snapshot may vouch for.
 *
 * Contract: the first batch is `full` and empty with listedCounts (the sink starts from
 * nothing); later batches carry upserts and the same listedCounts; the last has no
 * listedCounts. `onDir` sees each directory before it is listed (watch it first: no file
 * created during the index is missed). Throws SpoolAccessError when a queue cannot be read;
 * vanished files are skipped.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { announceTree, walkTree, type DirListing } from './list-tree.js';
import { readEntryWithStats, type EntryRead } from './read-entry.js';
import type { ReadPool, ReadSlice } from './read-pool.js';
import { trackAndSettle } from './refresh.js';
import type { SpoolIndex } from './spool-index.js';
import type { Slicer } from './time-slice.js';
import type { SnapshotTrust } from './snapshot-trust.js';
import { fileFromSnapshot, startWarmStats, type WarmStats } from './warm-index.js';

/** Read order: what an admin looks at first, the big deferred queue last. */
export const READ_ORDER: readonly QueueName[] = ['active', 'incoming', 'hold', 'maildrop', 'corrupt', 'deferred'];

/** Below this many files, starting read workers costs more than it saves. */
export const POOL_MIN_FILES = 5000;
/** Ids per slice handed to a read worker: ~10 ms of reading, a few hundred KB back. */
const SLICE_IDS = 256;

export interface IndexOptions {
  /** Emit a batch at least this often while reading (ms). */
  batchEveryMs: number;
  /** Read workers for a large spool (read-pool.ts); null or absent: read on the main thread. */
  createPool?(): ReadPool | null;
  /** Least number of files for which createPool is called (default POOL_MIN_FILES). */
  poolMinFiles?: number;
  /** With a pool, whether the main thread reads its share too (default true). */
  mainThreadReads?: boolean;
  /** True once the watcher is stopped: stop reading. */
  stopped?(): boolean;
  onDir(rel: string): void;
  /**
   * The warm-start snapshot (snapshot-trust.ts), awaited once the counts are out: files it
   * vouches for (unchanged since they were read) are taken from it after an lstat; only the
   * others are read.
   */
  loadTrust?(): Promise<SnapshotTrust | null>;
  /**
   * How many files a warm start's snapshot says the spool holds, or a cold start's guess from
   * its directories' sizes (spool-size-hint.ts; 0: none known). With poolMinFiles or more, the
   * read workers are started before the listing instead of after it: a worker takes 100-250
   * ms to load, and the reads or lstats it is for follow the listing.
   */
  expectedFiles?: number;
  /** Called once with the counts, before any file is read. */
  onListed?(counts: Partial<Record<QueueName, number>>, atMs: number): void;
}

export async function buildInitialIndex(
  config: SpoolConfig,
  index: SpoolIndex,
  slicer: Slicer,
  emit: (batch: SpoolBatch) => void,
  options: IndexOptions,
): Promise<number> {
  const root = config.queueDirectory;
  const poolMinFiles = options.poolMinFiles ?? POOL_MIN_FILES;
  // A large spool's workers load while it is listed (see expectedFiles).
  const early = (options.expectedFiles ?? 0) >= poolMinFiles;
  let pool = early ? (options.createPool?.() ?? null) : null;
  const stopped = options.stopped ?? (() => false);
  const deferDepth = config.hashQueueNames.includes('defer') ? config.hashQueueDepth : 0;
  // Workers started for a snapshot take its lstats from the first directory listed: the defer
  // tree is watched first (its logs are lstat'ed with their messages), and the snapshot's
  // trust, loading meanwhile, stops them as soon as it turns out there is none.
  const trustLoad = options.loadTrust?.() ?? null;
  let warm: WarmStats | null = null;
  if (pool && trustLoad) {
    announceTree(root, 'defer', deferDepth, options.onDir);
    const early = (warm = startWarmStats(pool, stopped));
    void trustLoad.then((trust) => {
      if (!trust) early.abandon().catch(() => {});
    }, () => {});
  }
  let listed: Awaited<ReturnType<typeof listQueues>>;
  try {
    listed = await listQueues(root, slicer, options.onDir, warm ? (queueName, dir) => warm!.listed(queueName, dir) : undefined);
  } catch (error) {
    await warm?.abandon().catch(() => {});
    pool?.close();
    throw error;
  }
  warm?.listingDone();
  const { listings, listedCounts } = listed;
  options.onListed?.(listedCounts, performance.now());
  emit({ upserts: [], removals: [], full: true, listedCounts, firstEventAt: null });

  const total = Object.values(listedCounts).reduce((n, c) => n + c, 0);
  let upserts: QueueEntry[] = [];
  // No file leaves the index while it is built (events wait for its end): an id it did not
  // know was in no batch before, so a batch of only such ids is fresh (SpoolBatch.fresh).
  let fresh = true;
  let lastEmit = performance.now();
  let read = 0;
  const file = (queueId: string, entryRead: EntryRead | null, interned = false) => {
    if (!entryRead) return;
    read++;
    // The entry's path is the relative path it was read at: one string for both (at 100k,
    // building and hashing a second copy showed in the main thread's profile).
    const known = index.knownAdds;
    const learned = trackAndSettle(index, entryRead.entry.path, queueId, entryRead, interned);
    if (learned) upserts.push(learned);
    if (index.knownAdds !== known) fresh = false;
  };
  const emitDue = () => {
    if (upserts.length > 0 && performance.now() - lastEmit >= options.batchEveryMs) {
      emit({ upserts, removals: [], full: false, listedCounts, firstEventAt: null, fresh });
      upserts = [];
      fresh = true;
      lastEmit = performance.now();
    }
  };

  // One queue of slices for every reader: the main thread takes the next slice whenever it is
  // free, the workers whenever they answer one, so the work balances itself.
  const readUnread = async (pool: ReadPool | null) => {
    const queue = slices(listings);
    const readHere = async () => {
      for (let next = queue.next(); !next.done; next = queue.next()) {
        const { queueName, dir, ids } = next.value;
        for (const queueId of ids) {
          if (slicer.due) {
            if (stopped()) return;
            emitDue();
            // Workers' answers are filed here, between the main thread's own reads.
            await slicer.pause();
          }
          file(queueId, readEntryWithStats(config, queueName, `${dir}/${queueId}`, queueId, true));
        }
      }
    };
    if (!pool) return readHere();
    const intern = (s: string) => index.intern(s);
    const share = (s: string) => index.share(s);
    const workers = pool.run(queue, (slice, reads) => (reads.forEach((r, i) => file(slice.ids[i]!, r, true)), emitDue()), { stopped, intern, share });
    // Handled below, after the main thread's share; a failure must not go unhandled meanwhile.
    workers.catch(() => {});
    if (options.mainThreadReads !== false) await readHere();
    await workers;
  };

  // A large spool gets its read workers now: they start while the snapshot loads, then take
  // its lstats (a warm start) and the reads (whatever it could not vouch for, or all).
  if (!early && total >= poolMinFiles) pool = options.createPool?.() ?? null;
  try {
    // The defer tree is only watched (before any log is read or lstat'ed); its logs are read
    // with their messages. After the workers were started: they load meanwhile.
    if (!warm) announceTree(root, 'defer', deferDepth, options.onDir);
    const trust = (await trustLoad) ?? null;
    if (trust) {
      const ordered = READ_ORDER.map((q) => [q, listings.get(q)!] as [QueueName, DirListing[]]);
      const hooks = { slicer, stopped, emitDue, file: (id: string, r: EntryRead) => file(id, r, true), mainThreadStats: options.mainThreadReads };
      if (warm) await warm.file(config, ordered, trust, hooks);
      else await fileFromSnapshot(config, ordered, trust, pool, hooks);
      if (stopped()) return read;
    } else await warm?.abandon();
    await readUnread(pool);
  } finally {
    pool?.close();
  }
  emit({ upserts, removals: [], full: false, firstEventAt: null, fresh });
  return read;
}

/** Every queue's listing (names only), in read order; each directory is announced (onDir) before it is read. */
async function listQueues(root: string, slicer: Slicer, onDir: (rel: string) => void, onListing?: (queueName: QueueName, dir: DirListing) => void) {
  const listings = new Map<QueueName, DirListing[]>();
  const listedCounts: Partial<Record<QueueName, number>> = {};
  for (const queueName of READ_ORDER) {
    const dirs: DirListing[] = [];
    for (const dir of walkTree(root, queueName, queueName !== 'maildrop', onDir)) {
      dirs.push(dir);
      onListing?.(queueName, dir);
      // ~6k names per hash directory at 100k: keys stay responsive even while listing.
      if (slicer.due) await slicer.pause();
    }
    listings.set(queueName, dirs);
    listedCounts[queueName] = dirs.reduce((n, dir) => n + dir.ids.length, 0);
  }
  return { listings, listedCounts };
}

/** The listings in read order, cut into slices for the workers. */
function* slices(listings: Map<QueueName, DirListing[]>): Generator<ReadSlice> {
  for (const queueName of READ_ORDER) {
    for (const dir of listings.get(queueName)!) {
      for (let i = 0; i < dir.ids.length; i += SLICE_IDS) yield { queueName, dir: dir.rel, ids: dir.ids.slice(i, i + SLICE_IDS) };
    }
  }
}
