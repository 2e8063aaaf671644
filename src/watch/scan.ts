/**
 * Walk the queues as showq does: maildrop flat; the others descending every one-character
 * subdirectory to any depth; only names that are queue ids. Reads each file with readEntry().
 *
 * Contract: a queue directory that does not exist is an empty queue (a fresh spool may lack
 * corrupt/); a spool that cannot be read throws SpoolAccessError. Files that vanish during the
 * walk are skipped.
 */
import { opendirSync, statSync, type Dirent } from 'node:fs';
import { DIR_BUFFER } from './list-tree.js';
import { join } from 'node:path';
import type { QueueEntry } from '../domain/entry.js';
import { describeSpoolError } from '../domain/errors.js';
import { isQueueIdName } from '../domain/queue-id.js';
import type { QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { readEntry } from './read-entry.js';
import { lstatInSpool } from './safe-file.js';

export interface QueueFileRef {
  queueName: QueueName;
  queueId: string;
  /** Relative to the queue directory. */
  path: string;
}

function readDir(abs: string, mustExist: boolean): Dirent[] {
  try {
    // Names only, nothing opened; a FIFO or file here fails ENOTDIR at once. A symlinked
    // hash directory is never walked (its Dirent says symlink: d_type, else lstat), the queue
    // directory is lstat-checked before the walk, and each file is opened by safe-file.ts.
    // In readdir order, as showq meets them (readdirSync would sort them: list-tree.ts readNames).
    const dir = opendirSync(abs, { bufferSize: DIR_BUFFER }); // safe: names only (see above)
    try {
      const dirents: Dirent[] = [];
      for (let dirent = dir.readSync(); dirent !== null; dirent = dir.readSync()) dirents.push(dirent); // safe: the next name of the directory opened above, nothing opened
      return dirents;
    } finally {
      dir.closeSync(); // safe: closes the directory handle
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!mustExist && (code === 'ENOENT' || code === 'ENOTDIR')) return [];
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
}

/** Check the spool directory itself is there and readable; throws SpoolAccessError. */
export function checkSpool(config: SpoolConfig): void {
  try {
    if (!statSync(config.queueDirectory).isDirectory()) {
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    }
  } catch (error) {
    throw describeSpoolError(config.queueDirectory, error as NodeJS.ErrnoException);
  }
  readDir(config.queueDirectory, true);
}

/** The queue files in one queue, in directory order. */
export function listQueueFiles(config: SpoolConfig, queueName: QueueName): QueueFileRef[] {
  const refs: QueueFileRef[] = [];
  const descend = queueName !== 'maildrop';
  const walk = (rel: string, mustExist: boolean) => {
    for (const dirent of readDir(join(config.queueDirectory, rel), mustExist)) {
      const name = dirent.name;
      if (name.length === 1) {
        if (descend && dirent.isDirectory()) walk(`${rel}/${name}`, false);
      } else if (isQueueIdName(name)) {
        refs.push({ queueName, queueId: name, path: `${rel}/${name}` });
      }
    }
  };
  // A queue directory that is a symlink (or not a directory) is never read.
  const top = lstatInSpool(config.queueDirectory, queueName, true);
  if (top && !('refused' in top) && top.isDirectory()) walk(queueName, false);
  return refs;
}

/** Read every file of the given queues, in the given order. */
export function scanQueues(config: SpoolConfig, queues: readonly QueueName[]): QueueEntry[] {
  checkSpool(config);
  const entries: QueueEntry[] = [];
  for (const queueName of queues) {
    for (const ref of listQueueFiles(config, queueName)) {
      const entry = readEntry(config, ref.queueName, ref.path, ref.queueId);
      if (entry) entries.push(entry);
    }
  }
  return entries;
}
