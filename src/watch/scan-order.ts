/**
 * The queue files of some queues in showq's order (mail_scan_dir_next): queue by queue, each
 * directory in readdir order, descending into a one-character subdirectory where readdir
 * meets it; maildrop flat; only queue-id names. The same order as scan.ts listQueueFiles(),
 * cut into slices of at most `sliceIds` ids of one directory, each directory read as its slices
 * are taken: nothing is listed ahead of what is read, so memory does not grow with the spool.
 *
 * Contract: a queue directory that does not exist is an empty queue; EACCES/EPERM throw
 * SpoolAccessError (list-tree.ts eachName). Names only, plus an lstat of one-character names.
 */
import type { QueueName } from '../domain/queue.js';
import { isQueueIdName } from '../domain/queue-id.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { eachName, isDirectory, isRealDirectory } from './list-tree.js';

export interface OrderedSlice {
  queueName: QueueName;
  /** The directory, relative to the queue directory (`deferred/A`). */
  dir: string;
  ids: string[];
}

export function* scanOrderSlices(config: SpoolConfig, queues: readonly QueueName[], sliceIds: number): Generator<OrderedSlice> {
  const root = config.queueDirectory;
  const abs = (rel: string) => (root.endsWith('/') ? root + rel : `${root}/${rel}`);
  for (const queueName of queues) {
    const descend = queueName !== 'maildrop';
    function* walk(rel: string): Generator<OrderedSlice> {
      // Read as the slices are taken (list-tree.ts eachName), not listed whole first: a whole
      // listing (17,000 names in a deferred/ hash directory at 300,000 messages, even joined
      // into one string) outlived `list`'s small young generation and waited in the old one for
      // a full collection, one directory after another: the main thread's old generation and
      // large objects grew from 5.8 to 19.3 MB through a listing of 300,000.
      let ids: string[] = [];
      for (const name of eachName(abs(rel))) {
        if (name.length === 1) {
          if (!descend || !isDirectory(abs(`${rel}/${name}`))) continue;
          // showq pushes into the subdirectory where readdir meets it: what came before goes first.
          if (ids.length > 0) yield { queueName, dir: rel, ids };
          ids = [];
          yield* walk(`${rel}/${name}`);
        } else if (isQueueIdName(name)) {
          ids.push(name);
          if (ids.length >= sliceIds) {
            yield { queueName, dir: rel, ids };
            ids = [];
          }
        }
      }
      if (ids.length > 0) yield { queueName, dir: rel, ids };
    }
    // A queue directory that is a symlink (or not a directory) is never read: its names
    // would be an outside directory's (subdirectories are lstat'ed above, so never followed).
    if (isRealDirectory(root, queueName)) yield* walk(queueName);
  }
}
