/**
 * How many files a spool's queues hold, guessed before they are listed from the sizes of their
 * directories (one lstat per queue directory and hash directory; nothing is opened or listed),
 * so that a cold start (no snapshot to say it) starts its read worker while the spool is
 * listed, as a warm start does from its snapshot's size (initial-index.ts expectedFiles): a
 * worker takes 0.1-0.3 s to load, and the listing of 100,000 names about as long.
 *
 * Contract: a guess, never a count. A directory's size grows with the names it holds (ext4:
 * about 28 bytes a short queue id's name, past its first block) and does not shrink when they
 * go, so a queue that was once large is guessed large: a worker then starts for a small spool
 * and costs its load (~0.15 s of CPU), nothing else. What is not a directory (a symlink, a
 * missing or unreadable queue) counts 0. Nothing throws.
 */
import { lstatSync } from 'node:fs';
import type { SpoolConfig } from '../config/spool-config.js';
import { snapshotFilesHint } from './index-snapshot.js';
import { READ_ORDER } from './initial-index.js';
import { inSpool } from './safe-file.js';

/** Postfix's hash directory names (hex digits of the id or of its time: queue-id.ts hashKey). */
const HASH_NAMES = '0123456789ABCDEF';
/** A directory's first block (its `.` and `..`, and an empty directory's whole size). */
const FIRST_BLOCK = 4096;
/** Directory bytes per name: a little more than ext4 takes for a short id, so the guess is low. */
const BYTES_PER_NAME = 32;

/** A directory's size past its first block; 0 for anything that is not a directory. */
function namesBytes(abs: string): number | null {
  try {
    const stats = lstatSync(abs, { throwIfNoEntry: false }); // safe: lstat of a directory, follows nothing
    return stats?.isDirectory() ? Math.max(0, stats.size - FIRST_BLOCK) : null;
  } catch {
    return null;
  }
}

function treeBytes(abs: string, depth: number): number {
  const own = namesBytes(abs);
  if (own === null) return 0;
  let bytes = own;
  if (depth > 0) for (const name of HASH_NAMES) bytes += treeBytes(`${abs}/${name}`, depth - 1);
  return bytes;
}

/** The guess (header): the queues' directory bytes over BYTES_PER_NAME. */
export function spoolFilesHint(config: SpoolConfig): number {
  let bytes = 0;
  for (const queueName of READ_ORDER) {
    const depth = config.hashQueueNames.includes(queueName) ? config.hashQueueDepth : 0;
    bytes += treeBytes(inSpool(config.queueDirectory, queueName), depth);
  }
  return Math.floor(bytes / BYTES_PER_NAME);
}

/**
 * How many files a start expects before it lists the spool: a warm start's snapshot says so
 * (its size); the queue directories' sizes (about 100 lstats) are asked only when that does not
 * reach `minFiles`, the least number for read workers, which is all the number decides.
 */
export function expectedFiles(config: SpoolConfig, snapshotPath: string | null, minFiles: number): number {
  const fromSnapshot = snapshotPath === null ? 0 : snapshotFilesHint(snapshotPath);
  return fromSnapshot >= minFiles ? fromSnapshot : Math.max(fromSnapshot, spoolFilesHint(config));
}
