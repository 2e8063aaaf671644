/**
 * The reconcile sweep: list every queue and the defer tree, lstat each name and compare it with
 * what the index last read. The kernel's inotify queue overflows SILENTLY when the event loop
 * is busy (stack-notes: 11,808 of 20,000 events lost with no error), so this is what makes the
 * watcher's state equal a fresh scan after any burst. It reads no file: it only returns the ids
 * whose files differ, for refreshDirty() to re-read.
 *
 * Contract: time-sliced (yields between slices); `onDir` sees every directory before it is
 * read (the owner watches new hash subdirectories). Throws SpoolAccessError when a queue
 * directory cannot be read.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_NAMES } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { deferChanged, sameSig } from './file-sig.js';
import { walkTree } from './list-tree.js';
import { markDirty, type DirtySet } from './refresh.js';
import type { SpoolIndex } from './spool-index.js';
import type { Slicer } from './time-slice.js';

function lstatFile(abs: string) {
  try {
    const stats = lstatSync(abs);
    // A FIFO or socket named like an id is an entry too (read-entry shows what it is).
    return stats.isDirectory() ? null : stats;
  } catch {
    return null;
  }
}

export interface SweepResult {
  dirty: DirtySet;
  /** Queue-id names listed in the queues. */
  listed: number;
}

export async function sweepSpool(config: SpoolConfig, index: SpoolIndex, slicer: Slicer, onDir: (rel: string) => void): Promise<SweepResult> {
  const root = config.queueDirectory;
  const dirty: DirtySet = new Map();
  const seen = new Set<string>();
  for (const queueName of QUEUE_NAMES) {
    for (const dir of walkTree(root, queueName, queueName !== 'maildrop', onDir)) {
      for (const queueId of dir.ids) {
        if (slicer.due) await slicer.pause();
        const rel = `${dir.rel}/${queueId}`;
        const stats = lstatFile(join(root, rel));
        if (!stats) continue;
        seen.add(rel);
        const tracked = index.files.get(rel);
        if (!tracked || !sameSig(tracked, stats)) markDirty(dirty, queueId, rel);
      }
      if (slicer.due) await slicer.pause();
    }
  }
  for (const [rel, tracked] of index.files) {
    if (!seen.has(rel)) markDirty(dirty, tracked.queueId, rel);
  }
  const deferSeen = new Set<string>();
  for (const dir of walkTree(root, 'defer', true, onDir)) {
    for (const queueId of dir.ids) {
      if (slicer.due) await slicer.pause();
      const rel = `${dir.rel}/${queueId}`;
      // Only logs of ids whose reasons were read matter; others belong to no message we show.
      if (!index.deferSigs.has(queueId) || rel !== queuePath(config, 'defer', queueId)) continue;
      const stats = lstatFile(join(root, rel));
      // A log that is no regular file is never read (safe-file.ts): as if there were none.
      if (!stats?.isFile()) continue;
      deferSeen.add(queueId);
      if (deferChanged(index.deferSigs.get(queueId) ?? null, stats)) markDirty(dirty, queueId, null, true);
    }
  }
  for (const [queueId, sig] of index.deferSigs) {
    if (sig !== null && !deferSeen.has(queueId)) markDirty(dirty, queueId, null, true);
  }
  return { dirty, listed: seen.size };
}
