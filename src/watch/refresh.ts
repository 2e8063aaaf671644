/**
 * Re-read what may have changed: for each dirty queue id, lstat every path it was seen at or
 * an event named, re-read the files whose signature changed (or all of them when its defer log
 * changed), and settle what the sink must learn. A rename between queues is one upsert with the
 * new queue name: the old path and the new one are looked at together.
 *
 * Contract: ENOENT is normal (the file moved on). A permission error on one file is passed to
 * `onAccessError` and the id is skipped. Yields to the event loop whenever the slice is used up.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueEntry } from '../domain/entry.js';
import { describeSpoolError, SpoolAccessError } from '../domain/errors.js';
import { isQueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { sameSig, sigOf } from './file-sig.js';
import { topOf } from './list-tree.js';
import { readEntryWithStats, type EntryRead } from './read-entry.js';
import type { SpoolIndex } from './spool-index.js';
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

export interface RefreshResult {
  upserts: QueueEntry[];
  removals: string[];
}

function lstatOrNull(abs: string) {
  try {
    return lstatSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
}

/** Record a fresh read in the index. */
export function trackRead(index: SpoolIndex, rel: string, queueId: string, read: EntryRead): void {
  index.setFile(rel, { queueId, queueName: read.entry.queueName, sig: sigOf(read.stats), entry: read.entry });
  if (read.deferRead) index.deferSigs.set(queueId, read.deferStats ? sigOf(read.deferStats) : null);
}

/** Bring one id up to date in the index. */
export function refreshId(config: SpoolConfig, index: SpoolIndex, queueId: string, mark: DirtyMark): void {
  const paths = new Set(mark.paths);
  for (const rel of index.pathsOf(queueId)) paths.add(rel);
  for (const rel of paths) {
    const queueName = topOf(rel);
    if (!isQueueName(queueName)) continue;
    const stats = lstatOrNull(join(config.queueDirectory, rel));
    if (!stats || !stats.isFile()) {
      index.deleteFile(rel);
      continue;
    }
    const tracked = index.files.get(rel);
    if (tracked && !mark.defer && sameSig(tracked.sig, sigOf(stats))) continue;
    const read = readEntryWithStats(config, queueName, rel, queueId);
    if (read) trackRead(index, rel, queueId, read);
    else index.deleteFile(rel);
  }
}

/** Refresh every dirty id, time-sliced; returns what the sink must learn. */
export async function refreshDirty(
  config: SpoolConfig,
  index: SpoolIndex,
  dirty: DirtySet,
  slicer: Slicer,
  onAccessError: (error: SpoolAccessError) => void,
): Promise<RefreshResult> {
  const result: RefreshResult = { upserts: [], removals: [] };
  for (const [queueId, mark] of dirty) {
    if (slicer.due) await slicer.pause();
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
