/**
 * The warm half of the initial index: every listed file the snapshot vouches for is filed from
 * it after an lstat of the file and its defer log (snapshot-trust.ts); the rest is left in the
 * listings for the cold read. The lstats (two per message) were half of a warm start on the
 * main thread; with a read pool they are taken by the workers too, in slices (stat-figures.ts),
 * while the main thread decodes the snapshot and files what comes back, and takes slices of
 * its own whenever it has nothing else to do: the work balances itself as in the cold read.
 * With workers started before the listing (a snapshot that says the spool is large), their
 * lstats begin with the first directory listed (startWarmStats), not after the last: the
 * listing of 100,000 names is about as long as a worker's load, and the workers waited for it.
 *
 * Contract: on return each listing's `ids` holds only the files still to read (in any order);
 * the trusted ones went to `file`. Trust is per file and decided only on figures taken after
 * its directory's watch was set (the caller watches a directory before listing it, and the
 * defer tree before the first lstat): a change after that has its event. A worker failure
 * rejects (as in the cold read); lstat errors are "not trusted", never thrown.
 */
import type { QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import type { DirListing } from './list-tree.js';
import type { EntryRead } from './read-entry.js';
import type { ReadPool, ReadSlice } from './read-pool.js';
import type { SnapshotTrust } from './snapshot-trust.js';
import { STAT_WIDTH, statSlice } from './stat-figures.js';
import type { Slicer } from './time-slice.js';

/** Files per lstat slice: ~2-3 ms of lstats in a worker, one message each way. */
const STAT_SLICE_IDS = 256;

export interface WarmHooks {
  slicer: Slicer;
  stopped(): boolean;
  /** File a trusted read (its reasons are interned). */
  file(queueId: string, read: EntryRead): void;
  /** Called between slices: emit a batch when one is due. */
  emitDue(): void;
  /** With a pool, whether the main thread takes lstat slices too (default true). */
  mainThreadStats?: boolean;
}

/** The lstat slices of the listed files, in listing order, added as directories are listed. */
class StatFeed implements IterableIterator<ReadSlice> {
  private readonly slices: Array<ReadSlice | undefined> = [];
  private at = 0;
  /** The listing is complete: no slice will be added. */
  complete = false;

  add(queueName: QueueName, dir: DirListing): void {
    for (let i = 0; i < dir.ids.length; i += STAT_SLICE_IDS) this.slices.push({ queueName, dir: dir.rel, ids: dir.ids.slice(i, i + STAT_SLICE_IDS) });
  }

  /** Nothing to hand out yet, but more to come: the pool holds (RunOptions.held) until `resume`. */
  get waiting(): boolean {
    return this.at === this.slices.length && !this.complete;
  }

  /** Only asked when not `waiting`. */
  next(): IteratorResult<ReadSlice> {
    if (this.at === this.slices.length) return { value: undefined, done: true };
    const value = this.slices[this.at]!;
    // Handed out: the ids are the slice's now.
    this.slices[this.at++] = undefined;
    return { value, done: false };
  }

  [Symbol.iterator](): IterableIterator<ReadSlice> {
    return this;
  }
}

/** A warm start's lstats, begun before the snapshot is known to be usable. */
export interface WarmStats {
  /** A directory was listed (after its watch was set): its files' lstats may begin. */
  listed(queueName: QueueName, dir: DirListing): void;
  /** The listing is complete. */
  listingDone(): void;
  /** No snapshot to use after all: no more lstats; resolves once none is in flight. */
  abandon(): Promise<void>;
  /** File what the snapshot vouches for (every listing given to `listed` first). */
  file(config: SpoolConfig, listings: ReadonlyArray<[QueueName, DirListing[]]>, trust: SnapshotTrust, hooks: WarmHooks): Promise<void>;
}

/**
 * Start the workers' lstats (none without a pool: then the main thread takes them all while
 * filing), of `done` when the spool is listed already, else of each directory given to `listed`.
 */
export function startWarmStats(pool: ReadPool | null, stopped: () => boolean, done?: ReadonlyArray<[QueueName, DirListing[]]>): WarmStats {
  const feed = new StatFeed();
  if (done) {
    for (const [queueName, list] of done) for (const dir of list) feed.add(queueName, dir);
    feed.complete = true;
  }
  // Workers' answers wait here and are filed one slice per turn, between the checks of the
  // time slice: filed as they came, a burst of answers (the pool keeps 16 slices in flight,
  // and a message port delivers whatever has arrived in one go) was one block of ~40 ms.
  const answers: Array<[ReadSlice, Float64Array]> = [];
  let wake: (() => void) | null = null;
  let abandoned = false;
  let settled = pool === null;
  const workers = pool
    ? pool.runLstat(feed, (slice, figures) => {
        if (abandoned) return;
        answers.push([slice, figures]);
        wake?.();
      }, { stopped: () => abandoned || stopped(), held: () => feed.waiting })
    : Promise.resolve();
  // Handled by file() or abandon(); a failure must not go unhandled meanwhile.
  workers.then(
    () => ((settled = true), wake?.()),
    () => ((settled = true), wake?.()),
  );
  const more = () => pool?.resume();
  return {
    listed(queueName, dir) {
      feed.add(queueName, dir);
      more();
    },
    listingDone() {
      feed.complete = true;
      more();
    },
    async abandon() {
      abandoned = true;
      answers.length = 0;
      more();
      await workers;
    },
    async file(config, listings, trust, hooks) {
      const { slicer } = hooks;
      const unread = new Map<string, string[]>();
      const dirs = new Map<string, DirListing>();
      for (const [, list] of listings) for (const dir of list) (dirs.set(dir.rel, dir), unread.set(dir.rel, []));
      const fileSlice = (slice: ReadSlice, figures: Float64Array) => {
        const left = unread.get(slice.dir)!;
        const ids = slice.ids;
        for (let i = 0; i < ids.length; i++) {
          const known = trust.takeStated(slice.dir, ids[i]!, figures, i * STAT_WIDTH);
          if (known) hooks.file(ids[i]!, known);
          else left.push(ids[i]!);
        }
      };
      if (!pool) {
        // No workers: the lstats one by one here, between keys and frames (take() looks for
        // the defer log only where the snapshot says it was looked for).
        for (const dir of dirs.values()) {
          const left = unread.get(dir.rel)!;
          for (const queueId of dir.ids) {
            if (slicer.due) {
              if (hooks.stopped()) return;
              hooks.emitDue();
              await slicer.pause();
            }
            const known = trust.take(dir.rel, queueId);
            if (known) hooks.file(queueId, known);
            else left.push(queueId);
          }
        }
        for (const [rel, dir] of dirs) dir.ids = unread.get(rel)!;
        return;
      }
      let ownDone = hooks.mainThreadStats === false;
      for (;;) {
        if (slicer.due) {
          if (hooks.stopped()) break;
          hooks.emitDue();
          await slicer.pause();
        }
        const answer = answers.shift();
        if (answer) {
          fileSlice(answer[0], answer[1]);
          continue;
        }
        // Nothing to file: this thread takes an lstat slice itself rather than wait.
        const next = ownDone || feed.waiting ? null : feed.next();
        if (next && !next.done) {
          fileSlice(next.value, statSlice(config, next.value.queueName, next.value.dir, next.value.ids));
          continue;
        }
        ownDone = true;
        if (settled) break;
        hooks.emitDue();
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      await workers;
      for (const [rel, dir] of dirs) dir.ids = unread.get(rel)!;
    },
  };
}

/** The warm half in one call, once the spool is listed: lstats, then filing. */
export async function fileFromSnapshot(
  config: SpoolConfig,
  listings: ReadonlyArray<[QueueName, DirListing[]]>,
  trust: SnapshotTrust,
  pool: ReadPool | null,
  hooks: WarmHooks,
): Promise<void> {
  await startWarmStats(pool, hooks.stopped, listings).file(config, listings, trust, hooks);
}
