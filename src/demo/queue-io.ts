/**
 * The spool primitives of the simulated MTA, done the way Postfix does them so a watcher sees
 * real event sequences:
 * - enterQueueFile(): cleanup/postdrop's mail_queue_enter + mail_stream: a temp file
 *   `QUEUE/<usec>.<pid>` (O_EXCL, 0600 or 0644), its inode gives the id (%05X usec + %X inode),
 *   rename to the id, write the records, fchmod to the final mode (0700 or 0744), close;
 * - markRecipientDone(): overwrite one R type byte with D through an open descriptor;
 * - appendLog()/removeLogs(): defer/bounce/trace logfiles (0600);
 * - moveQueueFile(): rename(2) between queues; listQueue(): the ids in a queue with stat data.
 *
 * Contract: ENOENT from a file that something else (the console's backend) moved or deleted
 * comes back as false/null, never as an exception; other errors are thrown.
 */
import {
  appendFileSync, closeSync, existsSync, fchmodSync, fstatSync, futimesSync, openSync, readdirSync, renameSync,
  statSync, unlinkSync, writeSync, constants, type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { isQueueIdName } from '../domain/queue-id.js';
import { LOG_QUEUES, type QueueName } from '../domain/queue.js';

export const isGone = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** Epoch microseconds (gettimeofday). */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export const absPath = (config: SpoolConfig, queueName: string, id: string): string =>
  join(config.queueDirectory, queuePath(config, queueName, id));

export interface EnterOptions {
  queue: QueueName;
  /** Where the temp file is made; cleanup uses incoming/ even for files that go to hold/. */
  tempQueue?: QueueName;
  /** The file's bytes, built once the id is known (cleanup writes it into the Received header). */
  build: (id: string) => Buffer;
  /** 0600 for cleanup, 0644 for postdrop. */
  writingMode: number;
  /** 0700 for cleanup, 0744 for postdrop (readiness: owner rwx). */
  finalMode: number;
  /** Epoch seconds for atime/mtime (a deferred file's next retry); default now. */
  mtime?: number;
  /** Called between the write and the fchmod, to let a test observe the 0600 file. */
  beforeReady?: (id: string, path: string) => void;
}

export interface EnteredFile {
  id: string;
  path: string;
  bytes: Buffer;
}

export function enterQueueFile(config: SpoolConfig, options: EnterOptions): EnteredFile {
  const tempDir = join(config.queueDirectory, options.tempQueue ?? options.queue);
  let fd = -1;
  let temp = '';
  for (let attempt = 0; fd < 0; attempt++) {
    temp = join(tempDir, `${nowMicros() % 1_000_000}.${process.pid}${attempt ? `_${attempt}` : ''}`);
    try {
      fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, options.writingMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw error;
    }
  }
  try {
    fchmodSync(fd, options.writingMode);
    const inode = fstatSync(fd, { bigint: true }).ino.toString(16).toUpperCase();
    let id = '';
    let path = '';
    // mail_queue_enter: the id is the time of the rename plus the inode; retry on a clash.
    for (;;) {
      id = (nowMicros() % 1_000_000).toString(16).toUpperCase().padStart(5, '0') + inode;
      path = absPath(config, options.queue, id);
      if (!existsSync(path)) break;
    }
    renameSync(temp, path);
    const bytes = options.build(id);
    writeSync(fd, bytes, 0, bytes.length, 0);
    options.beforeReady?.(id, path);
    if (options.mtime !== undefined) futimesSync(fd, options.mtime, options.mtime);
    fchmodSync(fd, options.finalMode);
    return { id, path, bytes };
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed, or never made
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** A delivery agent's DONE mark: the R record's type byte becomes D, in place. */
export function markRecipientDone(fd: number, offset: number): void {
  writeSync(fd, Buffer.from('D'), 0, 1, offset);
}

/** Rename between queues; false when the file is no longer there. */
export function moveQueueFile(config: SpoolConfig, from: string, toQueue: QueueName, id: string): boolean {
  try {
    renameSync(from, absPath(config, toQueue, id));
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

export function unlinkIfPresent(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

export function appendLog(config: SpoolConfig, log: 'defer' | 'bounce' | 'trace', id: string, text: string): void {
  appendFileSync(absPath(config, log, id), text, { mode: 0o600 });
}

export function removeLogs(config: SpoolConfig, id: string): void {
  for (const log of LOG_QUEUES) unlinkIfPresent(absPath(config, log, id));
}

export interface QueueFileStat {
  id: string;
  path: string;
  stats: Stats;
}

/** The queue files in a queue (descending one-character subdirectories), with their stat. */
export function listQueue(config: SpoolConfig, queueName: QueueName): QueueFileStat[] {
  const out: QueueFileStat[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      if (isGone(error)) return;
      throw error;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (name.length === 1 && depth < 4) walk(path, depth + 1);
      else if (isQueueIdName(name)) {
        try {
          const stats = statSync(path);
          if (stats.isFile()) out.push({ id: name, path, stats });
        } catch (error) {
          if (!isGone(error)) throw error;
        }
      }
    }
  };
  walk(join(config.queueDirectory, queueName), 0);
  return out;
}

/** Owner rwx: the file is complete (mail_open_ok). */
export const isReady = (stats: Stats): boolean => (stats.mode & 0o700) === 0o700;
