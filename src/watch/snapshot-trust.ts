/**
 * Between the watcher's index and its snapshot (index-snapshot.ts). captureSnapshot() turns the
 * index into a payload at exit: every tracked file, per directory, in the read workers' wire
 * form (entry and signature), plus its device and its defer log's full signature (one lstat per
 * log at exit, kept only when its ctime is still the one read). SnapshotTrust answers, for a
 * file listed on the next start, the entry to use without reading the file: only when an lstat
 * of the file now gives the same device, inode, size, mode, mtime and ctime, and its defer log
 * is the same file unchanged (or still absent).
 *
 * Contract: trust is per file and never guessed: anything that does not match exactly (a file
 * rewritten in place, replaced under the same name, moved to another queue, a log that
 * appeared, changed or went) gives null and the caller reads the file. Nothing here throws: an
 * lstat error or a group that does not decode is "not trusted". Files whose defer log was read
 * without fstat and not yet settled by a reconcile are left out of the snapshot.
 */
import { constants, lstatSync, type Stats } from 'node:fs';
import type { QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { queuePath } from '../config/spool-config.js';
import { DEFER_ABSENT, DEFER_NOT_READ, DEFER_PRESENT, EXTRA_WIDTH, loadGroup, loadSnapshot, snapshotIdentity, storeGroup, type SnapshotGroup, type SnapshotIdentity, type SnapshotPayload, type StoredGroup } from './index-snapshot.js';
import { deferChanged } from './file-sig.js';
import { saveSnapshot, saveSnapshotAsync } from './snapshot-write.js';
import type { Slicer } from './time-slice.js';
import { topOf } from './list-tree.js';
import type { EntryRead } from './read-entry.js';
import { decodeReads, encodeReads } from './read-wire.js';
import { inSpool } from './safe-file.js';
import { FOUND, LOG_AT, NOT_LOOKED, STAT_WIDTH, statFileInto } from './stat-figures.js';
import type { SpoolIndex, TrackedFile } from './spool-index.js';

function lstatOrNull(abs: string): Stats | null {
  try {
    return lstatSync(abs, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

interface GroupDraft {
  queueName: QueueName;
  ids: string[];
  reads: EntryRead[];
  extra: number[];
}

/** The index as a snapshot payload (an lstat of each defer log and queue directory; no queue file is touched). */
export function captureSnapshot(config: SpoolConfig, index: SpoolIndex, identity: SnapshotIdentity): SnapshotPayload {
  const steps = captureSteps(config, index, identity);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** Files captured between two yields of captureSteps (a few ms of lstats). */
const CAPTURE_STEP_FILES = 256;

/**
 * captureSnapshot in steps: yields every CAPTURE_STEP_FILES files and per directory encoded, so
 * a save while the console runs can give keys and frames their turn in between. The index may
 * change between steps: each file is captured as it is when visited, and trust is per file on
 * the next start anyway (a file changed after its capture has another ctime there).
 */
export function* captureSteps(config: SpoolConfig, index: SpoolIndex, identity: SnapshotIdentity): Generator<void, SnapshotPayload> {
  const root = config.queueDirectory;
  const queueDevs = new Map<string, number | null>();
  const devOf = (queue: string) => {
    if (!queueDevs.has(queue)) queueDevs.set(queue, lstatOrNull(inSpool(root, queue))?.dev ?? null);
    return queueDevs.get(queue)!;
  };
  // By directory first (references only), then one directory at a time: the reads and their
  // wire form exist for one directory at once, not for the whole index (15 MB at 100k).
  const byDir = new Map<string, TrackedFile[]>();
  for (const [rel, tracked] of index.files) {
    const dir = rel.slice(0, rel.lastIndexOf('/'));
    const files = byDir.get(dir);
    if (files) files.push(tracked);
    else byDir.set(dir, [tracked]);
  }
  const stored: StoredGroup[] = [];
  let visited = 0;
  for (const [dir, files] of byDir) {
    // Files live on their queue directory's device (a hash directory is no mount point in Postfix).
    const dev = devOf(topOf(dir));
    if (dev === null) continue;
    const d: GroupDraft = { queueName: files[0]!.queueName, ids: [], reads: [], extra: [] };
    for (const tracked of files) {
      if (++visited % CAPTURE_STEP_FILES === 0) yield;
      const sig = index.deferSigs.get(tracked.queueId);
      let defer: number[];
      if (sig === undefined) defer = [DEFER_NOT_READ, 0, 0, 0, 0, 0];
      else if (sig === null) defer = [DEFER_ABSENT, 0, 0, 0, 0, 0];
      else {
        const log = lstatOrNull(inSpool(root, queuePath(config, 'defer', tracked.queueId)));
        // A negative signature: read without fstat, "as of" the index's start; settled here as the
        // first reconcile would (deferChanged): a log changed since is left out, read next start.
        if (!log?.isFile() || (sig < 0 ? deferChanged(sig, log) : log.ctimeMs !== sig)) continue;
        defer = [DEFER_PRESENT, log.dev, log.ino, log.size, log.mtimeMs, log.ctimeMs];
      }
      d.ids.push(tracked.queueId);
      const fileSig = { ino: tracked.ino, size: tracked.size, mode: tracked.mode, mtimeMs: tracked.mtimeMs, ctimeMs: tracked.ctimeMs };
      d.reads.push({ entry: tracked.entry, sig: fileSig, deferRead: sig !== undefined, deferSig: sig ?? null });
      d.extra.push(dev, ...defer);
    }
    if (d.ids.length === 0) continue;
    const slice = { queueName: d.queueName, dir, ids: d.ids };
    stored.push(storeGroup({ ...slice, wire: encodeReads(d.reads, slice), extra: Float64Array.from(d.extra) }));
    yield;
  }
  return { ...identity, savedAt: Date.now(), groups: stored };
}

/** A group decoded for use: its reads and where each id is in it. */
interface OpenGroup {
  group: SnapshotGroup;
  reads: Array<EntryRead | null>;
  at: Map<string, number>;
}

export class SnapshotTrust {
  /** Group index by directory. */
  private readonly byDir = new Map<string, number>();
  /** Groups decoded on first use (null: did not decode). */
  private readonly open = new Map<number, OpenGroup | null>();
  /** take()'s own lstat figures. */
  private readonly scratch = new Float64Array(STAT_WIDTH);
  /** Files taken from the snapshot, and files it had that had changed (for stats and tests). */
  trusted = 0;
  stale = 0;

  constructor(
    private readonly config: SpoolConfig,
    private readonly payload: SnapshotPayload,
    /** The index's intern table: each distinct delay reason of a group is interned once. */
    private readonly intern: (s: string) => string,
    /** The same for senders and addresses (SpoolIndex.share). */
    private readonly share: (s: string) => string = (s) => s,
  ) {
    payload.groups.forEach((g, gi) => this.byDir.set(g.dir, gi));
  }

  /** The snapshot's entry for a listed file when nothing about it changed, else null. Its reasons are interned. */
  take(rel: string, queueId: string): EntryRead | null {
    const at = this.locate(rel, queueId);
    if (at === null) return null;
    const [open, i] = at;
    // The defer log is lstat'ed only when the snapshot says it was looked for.
    statFileInto(this.config, rel, queueId, open.group.extra[i * EXTRA_WIDTH + 1] !== DEFER_NOT_READ, this.scratch, 0);
    return this.count(this.check(open, i, rel, queueId, this.scratch, 0));
  }

  /**
   * take() with the lstat figures already taken (stat-figures.ts, by a read worker): the
   * file's at `figures[at]`. Untrusted when they do not say what the snapshot needs.
   */
  takeStated(rel: string, queueId: string, figures: Float64Array, at: number): EntryRead | null {
    const found = this.locate(rel, queueId);
    return found === null ? null : this.count(this.check(found[0], found[1], rel, queueId, figures, at));
  }

  /** The open group holding a listed file, and its place in it; null when the snapshot has none. */
  private locate(rel: string, queueId: string): [OpenGroup, number] | null {
    const gi = this.byDir.get(rel.slice(0, rel.length - queueId.length - 1));
    if (gi === undefined) return null;
    const group = this.group(gi);
    const i = group?.at.get(queueId);
    return group == null || i === undefined ? null : [group, i];
  }

  private count(read: EntryRead | null): EntryRead | null {
    if (read) this.trusted++;
    else this.stale++;
    return read;
  }

  private group(gi: number): OpenGroup | null {
    if (!this.open.has(gi)) {
      const stored = this.payload.groups[gi]!;
      let opened: OpenGroup | null = null;
      const group = loadGroup(stored);
      try {
        const reads = group ? decodeReads(group.wire, group, this.intern, this.share) : null;
        if (group && reads && reads.length === group.ids.length) {
          opened = { group, reads, at: new Map(group.ids.map((id, i) => [id, i])) };
        }
      } catch {
        opened = null;
      }
      this.open.set(gi, opened);
      // The bytes and the wire form are not needed again: let them go while the rest is read.
      stored.blob = new Uint8Array(0);
      if (group) group.wire = { numbers: new Float64Array(0), strings: [], objects: [] };
    }
    return this.open.get(gi)!;
  }

  /** Whether the lstat figures at `f[at]` (stat-figures.ts) are the ones the snapshot recorded. */
  private check(open: OpenGroup, i: number, rel: string, queueId: string, f: Float64Array, at: number): EntryRead | null {
    const read = open.reads[i];
    // A file is taken once per start: its read (and signature object) need not outlive it.
    open.reads[i] = null;
    if (!read || read.entry.queueId !== queueId || read.entry.path !== rel) return null;
    const x = open.group.extra;
    const e = i * EXTRA_WIDTH;
    const s = read.sig;
    if (f[at] !== FOUND || f[at + 1] !== x[e] || f[at + 2] !== s.ino || f[at + 3] !== s.size || f[at + 4] !== s.mode || f[at + 5] !== s.mtimeMs || f[at + 6] !== s.ctimeMs) return null;
    const kind = x[e + 1];
    if (kind === DEFER_NOT_READ) return read;
    const l = at + LOG_AT;
    if (f[l] === NOT_LOOKED) return null;
    // The reader takes no log for anything but a regular file.
    const isFile = f[l] === FOUND && (f[l + 4]! & constants.S_IFMT) === constants.S_IFREG;
    if (kind === DEFER_ABSENT) return isFile ? null : read;
    if (kind !== DEFER_PRESENT || !isFile) return null;
    return f[l + 1] === x[e + 2] && f[l + 2] === x[e + 3] && f[l + 3] === x[e + 4] && f[l + 5] === x[e + 5] && f[l + 6] === x[e + 6] ? read : null;
  }
}

/** Where the snapshot lives and which postq wrote it (SpoolWatcherOptions.snapshot). */
export interface SnapshotPlace {
  path: string;
  version: string;
}

/** The trust a start may put in the saved index of this spool; `ignored` says why there is none. */
export function loadTrust(config: SpoolConfig, place: SnapshotPlace, index: SpoolIndex): { trust: SnapshotTrust | null; ignored: string | null } {
  const identity = snapshotIdentity(config, place.version);
  if (!identity) return { trust: null, ignored: null };
  const loaded = loadSnapshot(place.path, identity);
  return { trust: loaded.snapshot ? new SnapshotTrust(config, loaded.snapshot, (s) => index.intern(s), (s) => index.share(s)) : null, ignored: loaded.ignored };
}

/** Save the index as the next start's snapshot: null when written (or nothing to identify), else why not. */
export function saveIndexSnapshot(config: SpoolConfig, place: SnapshotPlace, index: SpoolIndex): string | null {
  const identity = snapshotIdentity(config, place.version);
  return identity ? saveSnapshot(place.path, captureSnapshot(config, index, identity)) : null;
}

/**
 * The same while the console runs: the capture time-sliced on `slicer`, the write in steps and
 * the fsync off the main thread (saveSnapshotAsync). `abandoned()` true (the watcher stopped)
 * ends it without renaming: its temp file is removed, the old snapshot stays. Resolves to
 * null when written, 'abandoned', or why not.
 */
export async function saveIndexSnapshotInBackground(config: SpoolConfig, place: SnapshotPlace, index: SpoolIndex, slicer: Slicer, abandoned: () => boolean): Promise<string | null> {
  const identity = snapshotIdentity(config, place.version);
  if (!identity) return null;
  slicer.begin();
  const steps = captureSteps(config, index, identity);
  for (let step = steps.next(); ; step = steps.next()) {
    if (abandoned()) return 'abandoned';
    if (step.done) return saveSnapshotAsync(place.path, step.value, abandoned, () => slicer.pause());
    if (slicer.due) await slicer.pause();
  }
}
