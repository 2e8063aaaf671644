/**
 * What a queue id names now, for the actions' identity check (src/actions/identity-check.ts):
 * the file at the path Postfix computes for the id in the queue it was seen in, read as the
 * index reads it. Returns its inode and arrival time, or null when no file is there.
 * Throws SpoolAccessError like readEntry when the spool cannot be read.
 */
import type { ActionTarget } from '../domain/backend.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { readEntry } from './read-entry.js';

export function currentFileIn(config: SpoolConfig): (target: ActionTarget) => { inode: number; arrivalTime: number } | null {
  return (target) => {
    const entry = readEntry(config, target.queueName, queuePath(config, target.queueName, target.queueId), target.queueId);
    return entry && entry.inode !== undefined ? { inode: entry.inode, arrivalTime: entry.arrivalTime } : null;
  };
}
