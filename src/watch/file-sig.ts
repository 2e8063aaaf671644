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
 * Whether a defer log with `stats` may differ from what was read under `sig` (null: there was
 * none): anything but its ctime as read. (A log was once read without its fstat and given a
 * negative "read after the index's start" signature, settled by the first reconcile when its
 * ctime was older; every read fstats its log now, and such a signature is a change like any.)
 */
export function deferChanged(sig: number | null, stats: Stats): boolean {
  return sig !== deferSigOf(stats);
}
