/**
 * Between the watcher's index and its snapshot (index-snapshot.ts). captureSnapshot() turns the
 * index into a payload at exit: every tracked file, per directory, in the snapshot's rows
 * (snapshot-rows.ts: entry, signature, the directory's device and the defer log's full
 * signature; one lstat per log at exit, kept only when its ctime is still the one read). SnapshotTrust answers, for a
 * file listed on the next start, the entry to use without reading the file: only when an lstat
 * of the file now gives the same device, inode, size, mode, mtime and ctime, and its defer log
 * is the same file unchanged (or still absent). The figures are compared on the stored numbers;
 * an entry is built only for a file trusted.
 *
 * Contract: trust is per file and never guessed: anything that does not match exactly (a file
 * rewritten in place, replaced under the same name, moved to another queue, a log that
 * appeared, changed or went) gives null and the caller reads the file. Nothing here throws: an
 * lstat error or a group that does not decode is "not trusted". A file whose defer log changed
 * since it was read (its ctime is not the one read) is left out of the snapshot.
 */
import { constants, lstatSync, type Stats } from 'node:fs';
import type { SpoolConfig } from '../config/spool-config.js';
import { queuePath } from '../config/spool-config.js';
import { loadGroup, loadSnapshot, snapshotIdentity, storeGroup, type SnapshotGroup, type SnapshotIdentity, type SnapshotPayload, type StoredGroup } from './index-snapshot.js';
import { DEFER_ABSENT, DEFER_NOT_READ, DEFER_PRESENT, isFlatRow, logKindAt, rowOffsets, RowsReader, RowsWriter, sameFigures, type LogFigures } from './snapshot-rows.js';
import { deferChanged } from './file-sig.js';
import { saveSnapshot, saveSnapshotAsync } from './snapshot-write.js';
import type { Slicer } from './time-slice.js';
import { topOf } from './list-tree.js';
import type { EntryRead } from './read-entry.js';
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

/** The index as a snapshot payload (an lstat of each defer log and queue directory; no queue file is touched). */
export function captureSnapshot(config: SpoolConfig, index: SpoolIndex, identity: SnapshotIdentity): SnapshotPayload {
  const steps = captureSteps(config, index, identity);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** Files captured between two yields of captureSteps (a few ms of lstats). */
const CAPTURE_STEP_FILES = 256;
const NO_LOG: LogFigures = { kind: DEFER_NOT_READ, dev: 0, ino: 0, size: 0, mtimeMs: 0, ctimeMs: 0 };
const ABSENT_LOG: LogFigures = { ...NO_LOG, kind: DEFER_ABSENT };

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
  // By directory first (references only), then one directory at a time: the rows exist for
  // one directory at once, not for the whole index.
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
    const rows = new RowsWriter(files[0]!.queueName, dir, dev);
    for (const tracked of files) {
      if (++visited % CAPTURE_STEP_FILES === 0) yield;
      const sig = index.deferSigs.get(tracked.queueId);
      let log = sig === undefined ? NO_LOG : ABSENT_LOG;
      if (sig != null) {
        const stats = lstatOrNull(inSpool(root, queuePath(config, 'defer', tracked.queueId)));
        // A log changed since it was read is left out: its file is read on the next start.
        if (!stats?.isFile() || deferChanged(sig, stats)) continue;
        log = { kind: DEFER_PRESENT, dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
      }
      const fileSig = { ino: tracked.ino, size: tracked.size, mode: tracked.mode, mtimeMs: tracked.mtimeMs, ctimeMs: tracked.ctimeMs };
      rows.add({ entry: tracked.entry, sig: fileSig, deferRead: sig !== undefined, deferSig: sig ?? null }, log);
    }
    if (rows.size === 0) continue;
    stored.push(storeGroup(files[0]!.queueName, dir, rows.finish()));
    yield;
  }
  return { ...identity, savedAt: Date.now(), groups: stored };
}

/** A group opened for use: its rows, where each starts, which were taken, and where each id is. */
interface OpenGroup {
  /** Its index in the payload's groups. */
  gi: number;
  group: SnapshotGroup;
  reader: RowsReader;
  uAt: Uint32Array;
  fAt: Uint32Array;
  taken: Uint8Array;
  /** The row the next listed id most likely is (files are listed mostly in the order saved). */
  next: number;
  /** Rows by id, made once the listing left the saved order more than a few times (SCAN_ROWS). */
  at: Map<string, number> | null;
  /** Rows compared by the searches so far (what they cost, against making `at`). */
  scanned: number;
  left: number;
}

/**
 * Rows a group's searches may compare, per row, before it gets a Map of rows by id. Rows are in
 * filing order: the listing's in runs (slices of 256, interleaved). At 100k, 118 searches in 16
 * directories had a Map of 95k ids (and as many [id, row] pairs) built for them. An id compared
 * costs a few ns, an insertion ~100: a listing in no order still gets its Map after ~32 searches.
 */
const SCAN_ROWS = 32;

/** What a group's bytes are replaced with once decoded. */
const NO_BYTES = Buffer.alloc(0);

export class SnapshotTrust {
  /** Group index by directory. */
  private readonly byDir = new Map<string, number>();
  /** Groups opened on first use (null: did not decode), by group index. */
  private readonly open: Array<OpenGroup | null | undefined>;
  /** The directory locate() last looked in, and its group. */
  private currentDir: string | null = null;
  private current: OpenGroup | null = null;
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
    this.open = new Array<OpenGroup | null | undefined>(payload.groups.length).fill(undefined);
  }

  /** The snapshot's entry for a listed file (`dir/queueId`) when nothing about it changed, else null. Its reasons are interned. */
  take(dir: string, queueId: string): EntryRead | null {
    const i = this.locate(dir, queueId);
    if (i < 0) return null;
    const open = this.current!;
    // The defer log is lstat'ed only when the snapshot says it was looked for.
    statFileInto(this.config, `${dir}/${queueId}`, queueId, logKindAt(open.group, open.uAt[i]!) !== DEFER_NOT_READ, this.scratch, 0);
    return this.check(open, i, this.scratch, 0);
  }

  /**
   * take() with the lstat figures already taken (stat-figures.ts, by a read worker): the
   * file's at `figures[at]`. Untrusted when they do not say what the snapshot needs.
   */
  takeStated(dir: string, queueId: string, figures: Float64Array, at: number): EntryRead | null {
    const i = this.locate(dir, queueId);
    return i < 0 ? null : this.check(this.current!, i, figures, at);
  }

  /**
   * The row of a listed file in its directory's group (then `current`), or -1 when the
   * snapshot has none. Called per file: the last directory's group is kept at hand.
   */
  private locate(dir: string, queueId: string): number {
    if (dir !== this.currentDir) {
      const gi = this.byDir.get(dir);
      this.currentDir = dir;
      this.current = gi === undefined ? null : this.group(gi);
    }
    const open = this.current;
    if (open === null) return -1;
    const ids = open.group.ids;
    let i: number | undefined = open.next;
    if (ids[i] !== queueId) {
      if (open.at === null && open.scanned < SCAN_ROWS * ids.length) {
        i = ids.indexOf(queueId);
        open.scanned += i < 0 ? ids.length : i + 1;
        if (i < 0) return -1;
      } else {
        open.at ??= new Map(ids.map((id, k) => [id, k]));
        i = open.at.get(queueId);
        if (i === undefined) return -1;
      }
    }
    open.next = i + 1;
    return i;
  }

  private group(gi: number): OpenGroup | null {
    let open = this.open[gi];
    if (open === undefined) {
      const stored = this.payload.groups[gi]!;
      const group = loadGroup(stored);
      const offsets = group ? rowOffsets(group) : null;
      const n = group?.ids.length ?? 0;
      open = group && offsets ? { gi, group, reader: new RowsReader(group, stored.queueName, stored.dir, this.intern, this.share), uAt: offsets.u, fAt: offsets.f, taken: new Uint8Array(n), next: 0, at: null, scanned: 0, left: n } : null;
      this.open[gi] = open;
      // The bytes are not needed again: let them go while the rest is read (an empty Buffer,
      // as the field held: a value of another class changes the objects' field type).
      stored.blob = NO_BYTES;
    }
    return open;
  }

  /** Row `i`'s read when the lstat figures at `f[at]` (stat-figures.ts) are the ones it recorded. */
  private check(open: OpenGroup, i: number, f: Float64Array, at: number): EntryRead | null {
    // A file is taken once per start.
    if (open.taken[i] === 1) return this.count(null);
    open.taken[i] = 1;
    const p = open.uAt[i]!;
    let trusted = f[at] === FOUND;
    const kind = logKindAt(open.group, p);
    if (trusted && kind !== DEFER_NOT_READ) {
      const l = at + LOG_AT;
      // The reader takes no log for anything but a regular file.
      const isFile = f[l] === FOUND && (f[l + 4]! & constants.S_IFMT) === constants.S_IFREG;
      trusted = f[l] !== NOT_LOOKED && (kind === DEFER_ABSENT ? !isFile : kind === DEFER_PRESENT && isFile);
    }
    trusted &&= sameFigures(open.group, p, open.fAt[i]!, f, at, at + LOG_AT);
    let read = trusted ? open.reader.readAt(i, p, open.fAt[i]!) : null;
    // A read stored whole must still be this file's (a flat row is built at its place).
    if (read !== null && !isFlatRow(open.group, p) && (read.entry.queueId !== open.group.ids[i] || read.entry.path !== `${open.group.dir}/${open.group.ids[i]}`)) read = null;
    if (--open.left === 0) this.free(open.gi);
    return this.count(read);
  }

  /**
   * Every row of a group was taken: its arrays need not outlive the start. The group is let go
   * whole (a file listed again finds no group: not trusted, read) rather than emptied field by
   * field: a field given a value of another kind (an empty array where a filled one was) makes
   * V8 widen the field's type and throw away the code optimized for the narrower one.
   */
  private free(gi: number): void {
    this.open[gi] = null;
    this.current = null;
    this.currentDir = null;
  }

  private count(read: EntryRead | null): EntryRead | null {
    if (read) this.trusted++;
    else this.stale++;
    return read;
  }
}

/** Where the snapshot lives and which postq wrote it (SpoolWatcherOptions.snapshot). */
export interface SnapshotPlace {
  path: string;
  version: string;
}

/**
 * The trust a start may put in the saved index of this spool; `ignored` says why there is none.
 * Called before the listing: the file is read meanwhile (loadSnapshot). Never rejects.
 */
export async function loadTrust(config: SpoolConfig, place: SnapshotPlace, index: SpoolIndex): Promise<{ trust: SnapshotTrust | null; ignored: string | null }> {
  const identity = snapshotIdentity(config, place.version);
  if (!identity) return { trust: null, ignored: null };
  const loaded = await loadSnapshot(place.path, identity);
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
