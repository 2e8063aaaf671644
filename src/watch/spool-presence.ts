/**
 * Is the spool still there? The queue directory removed (`rm -rf`), replaced by something
 * that is not a directory, made unreadable, or emptied of all six queue directories: the
 * watcher's sweep then finds no message anywhere, which must not read as "live, zero
 * messages". One stat of the directory and six lstats, run with each reconcile.
 *
 * Contract: spoolGoneReason() returns one sentence naming the directory, or null when the
 * spool is there. Never throws.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_NAMES } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/** How many of the six queue directories are there (real directories, not symlinks). */
export function countQueueDirs(config: SpoolConfig): number {
  let n = 0;
  for (const q of QUEUE_NAMES) {
    try {
      if (lstatSync(join(config.queueDirectory, q)).isDirectory()) n++;
    } catch {
      // Missing or unreadable: not there.
    }
  }
  return n;
}

/**
 * Why the spool is gone, or null. `hadQueues`: some queue directory existed at start (a
 * spool that never had them, e.g. an empty copy, is not "gone" for lacking them).
 */
export function spoolGoneReason(config: SpoolConfig, hadQueues: boolean): string | null {
  const root = config.queueDirectory;
  try {
    if (!statSync(root).isDirectory()) return `the spool is gone: ${root} is no longer a directory`;
    readdirSync(root); // safe: names only, nothing opened below; readdir of a FIFO fails (ENOTDIR), never blocks
  } catch (error) {
    const why = code(error);
    if (why === 'ENOENT') return `the spool is gone: ${root} was removed while postq watched it`;
    if (why === 'ENOTDIR') return `the spool is gone: ${root} is no longer a directory`;
    if (why === 'EACCES' || why === 'EPERM') return `the spool is gone: ${root} became unreadable (permission denied)`;
    return `the spool is gone: ${root} cannot be read (${why})`;
  }
  if (hadQueues && countQueueDirs(config) === 0) return `the spool is gone: ${root} holds none of the six queue directories any more`;
  return null;
}
