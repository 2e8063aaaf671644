/**
 * The warm half of the initial index: every listed file the snapshot vouches for is filed from
 * it after an lstat of the file and its defer log (snapshot-trust.ts); the rest is left in the
 * listings for the cold read. The lstats (two per message) were half of a warm start on the
 * main thread; with a read pool they are taken by the workers too, in slices (stat-figures.ts),
 * while the main thread decodes the snapshot and files what comes back, and takes slices of
 * its own whenever it has nothing else to do: the work balances itself as in the cold read.
 *
 * Contract: on return each listing's `ids` holds only the files still to read (in any order);
 * the trusted ones went to `file`. Trust is per file and decided only on figures taken after
 * the listing began (so after the watches were set): a change after that has its event. A
 * worker failure rejects (as in the cold read); lstat errors are "not trusted", never thrown.
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

export async function fileFromSnapshot(
  config: SpoolConfig,
  listings: ReadonlyArray<[QueueName, DirListing[]]>,
  trust: SnapshotTrust,
  pool: ReadPool | null,
  hooks: WarmHooks,
): Promise<void> {
  const { slicer, stopped } = hooks;
  const unread = new Map<string, string[]>();
  const dirs = new Map<string, DirListing>();
  for (const [, list] of listings) for (const dir of list) (dirs.set(dir.rel, dir), unread.set(dir.rel, []));

  if (!pool) {
    // No workers: the lstats one by one here, between keys and frames.
    for (const dir of dirs.values()) {
      const left = unread.get(dir.rel)!;
      for (const queueId of dir.ids) {
        if (slicer.due) {
          if (stopped()) return;
          hooks.emitDue();
          await slicer.pause();
        }
        const known = trust.take(dir.rel, queueId);
        if (known) hooks.file(queueId, known);
        else left.push(queueId);
      }
    }
  } else {
    const fileSlice = (slice: ReadSlice, figures: Float64Array) => {
      const left = unread.get(slice.dir)!;
      const ids = slice.ids;
      for (let i = 0; i < ids.length; i++) {
        const known = trust.takeStated(slice.dir, ids[i]!, figures, i * STAT_WIDTH);
        if (known) hooks.file(ids[i]!, known);
        else left.push(ids[i]!);
      }
    };
    // Workers' answers wait here and are filed one slice per turn, between the checks of the
    // time slice: filed as they came, a burst of answers (the pool keeps 16 slices in flight,
    // and a message port delivers whatever has arrived in one go) was one block of ~40 ms.
    const answers: Array<[ReadSlice, Float64Array]> = [];
    let wake: (() => void) | null = null;
    const onFigures = (slice: ReadSlice, figures: Float64Array) => {
      answers.push([slice, figures]);
      wake?.();
    };
    const queue = statSlices(listings);
    const workers = pool.runLstat(queue, onFigures, { stopped });
    let settled = false;
    // Handled below, after the loop; a failure must not go unhandled meanwhile.
    workers.then(
      () => ((settled = true), wake?.()),
      () => ((settled = true), wake?.()),
    );
    const ownStats = hooks.mainThreadStats !== false;
    let ownDone = !ownStats;
    for (;;) {
      if (slicer.due) {
        if (stopped()) break;
        hooks.emitDue();
        await slicer.pause();
      }
      const answer = answers.shift();
      if (answer) {
        fileSlice(answer[0], answer[1]);
        continue;
      }
      // Nothing to file: this thread takes an lstat slice itself rather than wait.
      const next = ownDone ? null : queue.next();
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
  }
  for (const [rel, dir] of dirs) dir.ids = unread.get(rel)!;
}

/** Every listed file in read order, cut into lstat slices. */
function* statSlices(listings: ReadonlyArray<[QueueName, DirListing[]]>): Generator<ReadSlice> {
  for (const [queueName, list] of listings) {
    for (const dir of list) {
      for (let i = 0; i < dir.ids.length; i += STAT_SLICE_IDS) yield { queueName, dir: dir.rel, ids: dir.ids.slice(i, i + STAT_SLICE_IDS), deferReadAfter: 0 };
    }
  }
}
