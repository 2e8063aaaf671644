/**
 * Re-read what may have changed: for each dirty queue id, lstat every path it was seen at or
 * an event named, re-read the files whose signature changed (or all of them when its defer log
 * changed), and settle what the sink must learn. A rename between queues is one upsert with the
 * new queue name: the old path and the new one are looked at together.
 *
 * Contract: ENOENT is normal (the file moved on). A permission error on one file is passed to
 * `onAccessError` and the id is skipped. Yields to the event loop whenever the slice is used up.
 */
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { QueueEntry } from '../domain/entry.js';
import { describeSpoolError, SpoolAccessError } from '../domain/errors.js';
import { isQueueName, type QueueName } from '../domain/queue.js';
import { smallInt } from '../domain/small-int.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { deferSigOf, sameSig, type FileSig } from './file-sig.js';
import { topOf } from './list-tree.js';
import { readEntryWithStats, type EntryRead } from './read-entry.js';
import type { SpoolIndex, TrackedFile } from './spool-index.js';
import type { Slicer } from './time-slice.js';

export interface DirtyMark {
  /** Paths (relative) an event or a reconcile named for this id. */
  paths: Set<string>;
  /** The defer log changed: re-read even when the queue file did not. */
  defer: boolean;
}

export type DirtySet = Map<string, DirtyMark>;

export function markDirty(dirty: DirtySet, queueId: string, relPath: string | null, defer = false): void {
  let mark = dirty.get(queueId);
  if (!mark) dirty.set(queueId, (mark = { paths: new Set(), defer: false }));
  if (relPath !== null) mark.paths.add(relPath);
  if (defer) mark.defer = true;
}

/** Fold `from`'s marks into `into` (paths joined, a defer log mark kept). */
export function mergeDirty(into: DirtySet, from: DirtySet): void {
  for (const [queueId, mark] of from) {
    const own = into.get(queueId);
    if (!own) into.set(queueId, mark);
    else {
      for (const p of mark.paths) own.paths.add(p);
      own.defer ||= mark.defer;
    }
  }
}

export interface RefreshResult {
  upserts: QueueEntry[];
  removals: string[];
}

function lstatOrNull(abs: string) {
  try {
    // throwIfNoEntry: a vanished file (every move's old path) costs no Error object.
    return lstatSync(abs, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
}

function trackedOf(queueId: string, queueName: QueueName, entry: QueueEntry, stats: FileSig): TrackedFile {
  return { queueId, queueName, entry, ino: smallInt(stats.ino), size: smallInt(stats.size), mode: smallInt(stats.mode), mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

/** Record a fresh read in the index; `interned`: its reasons already went through index.intern. */
export function trackRead(index: SpoolIndex, rel: string, queueId: string, read: EntryRead, interned = false): void {
  index.setFile(rel, prepared(index, queueId, read, interned));
}

/** trackRead and settle in one (the initial index): the entry the sink must learn, or null. */
export function trackAndSettle(index: SpoolIndex, rel: string, queueId: string, read: EntryRead, interned = false): QueueEntry | null {
  return index.addFile(rel, prepared(index, queueId, read, interned));
}

function prepared(index: SpoolIndex, queueId: string, read: EntryRead, interned: boolean): TrackedFile {
  // A queue in trouble repeats a handful of reasons 100k times: keep one copy of each (and of
  // each sender and address: bulk mail repeats them too).
  if (!interned) {
    const entry = read.entry;
    entry.sender = index.share(entry.sender);
    // A subject parsed here is a slice of its header's text: intern() keeps a flat copy.
    if (entry.subject !== null) entry.subject = index.intern(entry.subject);
    for (const r of entry.recipients) {
      r.address = index.share(r.address);
      r.delayReason = index.intern(r.delayReason);
    }
  }
  if (read.deferRead) index.deferSigs.set(queueId, read.deferSig);
  return trackedOf(queueId, read.entry.queueName, read.entry, read.sig);
}

/**
 * A pure rename (postsuper -h/-H, qmgr incoming -> active): the same inode with the same size,
 * mtime and mode now at another path. The entry is the old one with the new queue and path, as
 * long as neither queue changes how showq reads it (maildrop, corrupt) and the new path is the
 * hashed one; otherwise null and the file is read again.
 */
function relocate(config: SpoolConfig, from: TrackedFile, queueName: QueueName, rel: string, queueId: string, stats: Stats): TrackedFile | null {
  if (stats.ino !== from.ino || stats.size !== from.size || stats.mtimeMs !== from.mtimeMs || stats.mode !== from.mode) return null;
  const plain = (q: QueueName) => q !== 'maildrop' && q !== 'corrupt';
  if (!plain(queueName) || !plain(from.queueName) || from.entry.diagnostics.length > 0) return null;
  if (queuePath(config, queueName, queueId) !== rel) return null;
  return trackedOf(queueId, queueName, { ...from.entry, queueName, path: rel }, stats);
}

/** Bring one id up to date in the index. */
export function refreshId(config: SpoolConfig, index: SpoolIndex, queueId: string, mark: DirtyMark): void {
  const paths = new Set(mark.paths);
  for (const rel of index.pathsOf(queueId)) paths.add(rel);
  const present: Array<[string, QueueName, Stats]> = [];
  const vanished: TrackedFile[] = [];
  for (const rel of paths) {
    const queueName = topOf(rel);
    if (!isQueueName(queueName)) continue;
    const stats = lstatOrNull(join(config.queueDirectory, rel));
    // Not only regular files: a FIFO or socket named like an id is shown as what it is (read-entry).
    if (stats && !stats.isDirectory()) present.push([rel, queueName, stats]);
    else {
      const tracked = index.files.get(rel);
      if (tracked) vanished.push(tracked);
      index.deleteFile(rel);
    }
  }
  for (const [rel, queueName, stats] of present) {
    const tracked = index.files.get(rel);
    if (tracked && !mark.defer && sameSig(tracked, stats)) continue;
    const moved = tracked || mark.defer ? null : vanished.map((v) => relocate(config, v, queueName, rel, queueId, stats)).find(Boolean);
    if (moved) {
      index.setFile(rel, moved);
      continue;
    }
    const read = readEntryWithStats(config, queueName, rel, queueId);
    if (read) trackRead(index, rel, queueId, read);
    else index.deleteFile(rel);
  }
}

/**
 * Refresh every dirty id, time-sliced; returns what the sink must learn. With `emitEveryMs`, a
 * long refresh (thousands of ids) hands partial results to `onPartial` at least that often,
 * so the first moves of a burst do not wait for the last.
 */
export async function refreshDirty(
  config: SpoolConfig,
  index: SpoolIndex,
  dirty: DirtySet,
  slicer: Slicer,
  onAccessError: (error: SpoolAccessError) => void,
  partial?: { emitEveryMs: number; onPartial(result: RefreshResult): void },
): Promise<RefreshResult> {
  let result: RefreshResult = { upserts: [], removals: [] };
  let since = performance.now();
  for (const [queueId, mark] of dirty) {
    if (slicer.due) {
      if (partial && performance.now() - since >= partial.emitEveryMs && (result.upserts.length > 0 || result.removals.length > 0)) {
        partial.onPartial(result);
        result = { upserts: [], removals: [] };
        since = performance.now();
      }
      await slicer.pause();
    }
    try {
      refreshId(config, index, queueId, mark);
    } catch (error) {
      if (!(error instanceof SpoolAccessError)) throw error;
      onAccessError(error);
      continue;
    }
    const change = index.settle(queueId);
    if (change?.kind === 'upsert') result.upserts.push(change.entry);
    else if (change?.kind === 'removal') result.removals.push(queueId);
  }
  return result;
}
