/**
 * A file's signature: the stat fields that change whenever Postfix touches a queue file
 * (rename and chmod change ctime; writes change mtime and size; postsuper -e changes the mode).
 * Two equal signatures mean the file need not be read again. Pure, nothing throws.
 */
import type { Stats } from 'node:fs';

export interface FileSig {
  ino: number;
  size: number;
  mode: number;
  mtimeMs: number;
  ctimeMs: number;
}

export function sigOf(stats: Stats): FileSig {
  return { ino: stats.ino, size: stats.size, mode: stats.mode, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

/** Compare a tracked signature (any object holding the fields) with fresh stats. */
export function sameSig(a: FileSig, b: Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mode === b.mode && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/**
 * A defer log's signature, as one number: its ctime, which every write, truncate, rename and
 * chmod moves forward (one Map value instead of an object per log: 92k logs at 100k messages).
 */
export function deferSigOf(stats: Stats): number {
  return stats.ctimeMs;
}

/**
 * The initial index reads defer logs without their fstat (one system call and one Stats object
 * fewer per message: about 5% of the index). Such a log's signature says only "read after
 * `atMs`" (wall clock, taken before the index began), encoded negative so that it never equals
 * a ctime. The first reconcile settles it: a ctime older than that (with slack for the kernel's
 * coarse clock) means the log has not changed since it was read, and its ctime becomes the
 * signature; anything newer is read again. A change during the index also has its event.
 */
export function deferReadAfter(atMs: number): number {
  return -atMs;
}

const CLOCK_SLACK_MS = 1000;

/** Whether a defer log with `stats` may differ from what was read under `sig` (null: there was none). */
export function deferChanged(sig: number | null, stats: Stats): boolean {
  if (sig === null || sig >= 0) return sig !== deferSigOf(stats);
  return stats.ctimeMs >= -sig - CLOCK_SLACK_MS;
}
