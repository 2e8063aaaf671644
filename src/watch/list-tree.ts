/**
 * Fast listing of one queue's tree the way showq walks it: maildrop flat, the others down every
 * one-character subdirectory; only queue-id names count. Names only, in readdir order
 * (readNames); only the rare one-character names are lstat'ed to see whether they are directories.
 *
 * Contract: a missing directory lists as empty; EACCES/EPERM throw SpoolAccessError (as
 * scan.ts does). `onDir` is called for every directory BEFORE it is read, so a caller can set a
 * watch first and miss no file created during the listing.
 */
import { lstatSync, opendirSync, type Dir, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { describeSpoolError } from '../domain/errors.js';
import { isQueueIdName } from '../domain/queue-id.js';
import { lstatInSpool } from './safe-file.js';

/** Directory entries fetched per system call (libuv's default is 32). */
export const DIR_BUFFER = 1024;

export interface ListedName {
  /** Relative to the queue directory, e.g. `deferred/A/A1B2C3D4E5`. */
  rel: string;
  queueId: string;
}

export interface TreeListing {
  files: ListedName[];
  /** Every directory read, relative (the top one first). */
  dirs: string[];
}

/**
 * The names in `abs` in readdir order, as showq meets them (mail_scan_dir_next): mailq's and
 * postqueue -j's order. Not readdirSync: libuv's scandir sorts the names, which put a real
 * spool's listing in another order than mailq's.
 */
export function readNames(abs: string): string[] | null {
  try {
    const dir = opendirSync(abs, { bufferSize: DIR_BUFFER }); // safe: names only; callers pass real directories (isRealDirectory for the queue, lstat for each hash level)
    try {
      const names: string[] = [];
      for (let dirent = dir.readSync(); dirent !== null; dirent = dir.readSync()) names.push(dirent.name); // safe: the next name of the directory opened above, nothing opened
      return names;
    } finally {
      dir.closeSync(); // safe: closes the directory handle
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
}

export function isDirectory(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

export interface DirListing {
  rel: string;
  /** The queue-id names in it (file `${rel}/${id}`); objects are made only when asked for. */
  ids: string[];
}

/** Whether `rel` is a real directory reached through real directories (a symlinked queue is never read). */
export function isRealDirectory(root: string, rel: string): boolean {
  const stats = lstatInSpool(root, rel, true);
  return stats !== null && !('refused' in stats) && stats.isDirectory();
}

/**
 * Walk `topRel` (a queue or log directory) one directory at a time; `descend` for hashed trees.
 * Only real directories are read: a symlinked queue or hash directory lists as nothing.
 */
export function* walkTree(root: string, topRel: string, descend: boolean, onDir?: (rel: string) => void): Generator<DirListing> {
  if (!isRealDirectory(root, topRel)) return;
  const stack = [topRel];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    onDir?.(rel);
    const names = readNames(join(root, rel));
    if (names === null) continue;
    const ids: string[] = [];
    for (const name of names) {
      if (name.length === 1) {
        if (descend && isDirectory(join(root, rel, name))) stack.push(`${rel}/${name}`);
      } else if (isQueueIdName(name)) {
        ids.push(name);
      }
    }
    yield { rel, ids };
  }
}

/**
 * Announce (`onDir`) every directory of a log tree whose logs are looked up only at their
 * hashed path (queuePath: `depth` one-character levels below `topRel`): the levels above are
 * read for their subdirectories, the last level only announced, never read. The initial index
 * read the whole defer tree for nothing but its directories: 95,000 names at 100k messages,
 * 50-75 ms of the main thread. A deeper directory left by an older hash_queue_depth holds no
 * log postq would look up, as the reconcile's walk also says (reconcile.ts).
 */
export function announceTree(root: string, topRel: string, depth: number, onDir: (rel: string) => void): void {
  if (!isRealDirectory(root, topRel)) return;
  let level = [topRel];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const rel of level) {
      onDir(rel);
      for (const name of readNames(join(root, rel)) ?? []) {
        if (name.length === 1 && isDirectory(join(root, rel, name))) next.push(`${rel}/${name}`);
      }
    }
    level = next;
  }
  for (const rel of level) onDir(rel);
}

/** List a whole tree at once. */
export function listTree(root: string, topRel: string, descend: boolean, onDir?: (rel: string) => void): TreeListing {
  const listing: TreeListing = { files: [], dirs: [] };
  for (const dir of walkTree(root, topRel, descend, onDir)) {
    listing.dirs.push(dir.rel);
    for (const queueId of dir.ids) listing.files.push({ rel: `${dir.rel}/${queueId}`, queueId });
  }
  return listing;
}

/** The queue name (or log directory name) a relative path belongs to. */
export function topOf(rel: string): string {
  const slash = rel.indexOf('/');
  return slash < 0 ? rel : rel.slice(0, slash);
}

/**
 * The names of a directory one at a time, in readdir order, read as they are taken (at most
 * DIR_BUFFER names ahead, in the handle's buffer), not listed whole first: `list` walks a
 * 17,000-name hash directory slice by slice, so nothing of its listing outlives a slice. The
 * handle stays open while the caller works on what it took (closed when the generator ends or
 * is returned). Nothing at all for a directory that is not there; EACCES/EPERM throw
 * SpoolAccessError, as readNames.
 */
export function* eachName(abs: string): Generator<string> {
  let dir: Dir;
  try {
    dir = opendirSync(abs, { bufferSize: DIR_BUFFER }); // safe: names only; callers pass real directories (isRealDirectory for the queue, lstat for each hash level)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
  try {
    for (;;) {
      let dirent: Dirent | null;
      try {
        dirent = dir.readSync(); // safe: the next name of the directory opened above, nothing opened
      } catch (error) {
        throw describeSpoolError(abs, error as NodeJS.ErrnoException);
      }
      if (dirent === null) return;
      yield dirent.name;
    }
  } finally {
    dir.closeSync(); // safe: closes the directory handle
  }
}
