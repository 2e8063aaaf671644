/**
 * Safe access to files under the queue directory: the one place that opens them. postq runs as
 * root over a tree that other users' mail, broken disks and attackers can shape, so it does what
 * Postfix does: every path is reached through real directories (no symlink component below the
 * queue directory), and a file is lstat'ed, opened with O_NOFOLLOW|O_NONBLOCK (a planted symlink
 * fails, a FIFO cannot block), then fstat'ed: it must be a regular file with the device and inode
 * the lstat saw. Anything else is reported with its type and never opened (a device node's open
 * can have effects of its own), moved or deleted. Reads are bounded by the caller's window.
 *
 * Contract: openInSpool() returns an open descriptor (the caller closes it), `gone`, or `refused`
 * with the file type and the component that is not what it should be. Permission errors throw
 * SpoolAccessError; nothing else about the file's shape throws. `strict` (cat, the message pane,
 * every mover) also proves after the open, through /proc/self/fd, that the file really lies at
 * that path inside the queue directory, closing the race of a directory swapped for a symlink
 * between the check and the open; the bulk index checks directories through a short-lived cache.
 * The bulk reads (`listed`) skip the lstat for a name their directory's fresh listing showed
 * as no FIFO, device, socket or symlink (dir-types.ts): the fstat alone then decides.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, read, readlinkSync, readSync, realpathSync, type Stats } from 'node:fs';
import { describeSpoolError } from '../domain/errors.js';

export type FileKind = 'regular file' | 'directory' | 'symbolic link' | 'FIFO' | 'socket' | 'character device' | 'block device' | 'unknown file type';

/** The file type of a mode, in words (ls -l's letters spelled out). */
export function fileKind(mode: number): FileKind {
  switch (mode & constants.S_IFMT) {
    case constants.S_IFREG: return 'regular file';
    case constants.S_IFDIR: return 'directory';
    case constants.S_IFLNK: return 'symbolic link';
    case constants.S_IFIFO: return 'FIFO';
    case constants.S_IFSOCK: return 'socket';
    case constants.S_IFCHR: return 'character device';
    case constants.S_IFBLK: return 'block device';
    default: return 'unknown file type';
  }
}

/** Why a path was not opened: `rel` is the offending component (the file or a directory above it). */
export interface Refusal {
  kind: FileKind;
  rel: string;
  /** Its lstat, when there was one (a non-regular file's signature for the watcher). */
  stats: Stats | null;
}

/** The words shown for a refusal, e.g. `not a regular file: FIFO` or `deferred/A is a symbolic link`. */
export function describeRefusal(refusal: Refusal, rel: string): string {
  if (refusal.rel === rel) return `not a regular file: ${refusal.kind}`;
  return `not a regular file: ${refusal.rel} is a ${refusal.kind}, not a directory`;
}

export type SafeOpen = { fd: number; stats: Stats } | { gone: true } | { refused: Refusal };

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** How long a directory found real stays trusted by non-strict reads (the index reads thousands a second). */
const DIR_TRUST_MS = 1000;
const trustedDirs = new Map<string, number>();

/** `root/rel` by concatenation (rel is a listed name or queuePath(): no `..`, no leading slash). */
export function inSpool(root: string, rel: string): string {
  return root.endsWith('/') ? root + rel : `${root}/${rel}`;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function isGoneCode(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function lstatOrNull(abs: string): Stats | null {
  try {
    return lstatSync(abs, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    if (isGoneCode(errnoOf(error))) return null;
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
}

/**
 * Check every directory between the queue directory and `rel` (exclusive) is a real directory.
 * Returns null when they are, `gone` when one is missing, or the refusal.
 */
export function checkDirs(root: string, rel: string, useTrust = true): Refusal | 'gone' | null {
  let slash = rel.indexOf('/');
  const now = useTrust ? Date.now() : 0;
  while (slash > 0) {
    const dirRel = rel.slice(0, slash);
    const abs = inSpool(root, dirRel);
    const trusted = useTrust ? trustedDirs.get(abs) : undefined;
    if (trusted === undefined || now - trusted > DIR_TRUST_MS) {
      const stats = lstatOrNull(abs);
      if (!stats) return 'gone';
      if (!stats.isDirectory()) return { kind: fileKind(stats.mode), rel: dirRel, stats };
      if (useTrust) trustedDirs.set(abs, now);
    }
    slash = rel.indexOf('/', slash + 1);
  }
  return null;
}

/** lstat a file below the queue directory through real directories: its stats, null (gone) or a refusal. */
export function lstatInSpool(root: string, rel: string, strict = false): Stats | null | { refused: Refusal } {
  const dirs = checkDirs(root, rel, !strict);
  if (dirs === 'gone') return null;
  if (dirs) return { refused: dirs };
  return lstatOrNull(inSpool(root, rel));
}

const realRoots = new Map<string, string>();

/** The queue directory with its own symlinks resolved (it may be one: only what is below it may not). */
export function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = realpathSync(root);
    realRoots.set(root, real);
  }
  return real;
}

/** Where an open descriptor really is, or null where /proc is not mounted. */
function pathOfFd(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/**
 * Whether an open descriptor is the file at `root/rel` reached through real directories (what
 * /proc/self/fd says, else a fresh lstat of each directory).
 */
export function provenAt(root: string, rel: string, fd: number): boolean {
  const where = pathOfFd(fd);
  if (where !== null) return where === inSpool(realRoot(root), rel);
  return checkDirs(root, rel, false) === null;
}

/**
 * O_NOATIME while the kernel allows it (root, or the files' owner): reading the spool writes
 * nothing to it. A deferred file's mtime is its next retry, in the future, so under relatime
 * every read of one updated its atime: an inode written (and journalled) per message per index.
 * Anyone else gets EPERM for the flag alone; from then on files are opened without it.
 */
let noAtime = constants.O_NOATIME ?? 0;

function openReadOnly(abs: string): number {
  if (noAtime !== 0) {
    try {
      return openSync(abs, OPEN_FLAGS | noAtime); // safe: O_NOFOLLOW|O_NONBLOCK (openChecked)
    } catch (error) {
      if (errnoOf(error) !== 'EPERM') throw error;
      noAtime = 0;
    }
  }
  return openSync(abs, OPEN_FLAGS); // safe: O_NOFOLLOW|O_NONBLOCK (openChecked)
}

/** The open of a file found regular: the descriptor, or what the name turned out to be. */
function openChecked(root: string, rel: string, abs: string): { fd: number } | { gone: true } | { refused: Refusal } {
  try {
    return { fd: openReadOnly(abs) }; // safe: O_NOFOLLOW|O_NONBLOCK after checkDirs (or a listing, dir-types.ts); the caller fstats
  } catch (error) {
    const code = errnoOf(error);
    if (isGoneCode(code)) return { gone: true };
    if (code === 'ELOOP' || code === 'ENXIO' || code === 'EWOULDBLOCK' || code === 'EAGAIN') {
      // Swapped between the lstat (or the listing) and the open: say what it is now.
      const now = lstatOrNull(abs);
      return now ? { refused: { kind: fileKind(now.mode), rel, stats: now } } : { gone: true };
    }
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
  }
}

export interface OpenOptions {
  strict?: boolean;
  expect?: { dev: number; ino: number };
  /**
   * The bulk reads' directory listings (dir-types.ts): a name a fresh listing did not show
   * as anything but a regular file is opened without its lstat; the fstat after the open
   * still refuses anything else. Not with `strict` or `expect`.
   */
  listed?: DirTypesLike;
}

/** dir-types.ts's DirTypes, as this module needs it (it imports this one). */
export interface DirTypesLike {
  isRegular(root: string, rel: string): boolean;
}

/** Open a regular file below the queue directory, the way Postfix does (header). */
export function openInSpool(root: string, rel: string, options: OpenOptions = {}): SafeOpen {
  const strict = options.strict ?? false;
  if (options.listed && !strict && !options.expect && options.listed.isRegular(root, rel)) {
    const opened = openChecked(root, rel, inSpool(root, rel));
    if (!('fd' in opened)) return opened;
    try {
      const stats = fstatSync(opened.fd);
      if (stats.isFile()) return { fd: opened.fd, stats };
      closeSync(opened.fd);
      return { refused: { kind: fileKind(stats.mode), rel, stats } };
    } catch (error) {
      closeSync(opened.fd);
      throw error;
    }
  }
  const listed = lstatInSpool(root, rel, strict);
  if (listed === null) return { gone: true };
  if ('refused' in listed) return listed;
  if (!listed.isFile()) return { refused: { kind: fileKind(listed.mode), rel, stats: listed } };
  if (options.expect && (listed.dev !== options.expect.dev || listed.ino !== options.expect.ino)) return { gone: true };
  const opened = openChecked(root, rel, inSpool(root, rel));
  if (!('fd' in opened)) return opened;
  const fd = opened.fd;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      closeSync(fd);
      return { refused: { kind: fileKind(stats.mode), rel, stats } };
    }
    if (stats.dev !== listed.dev || stats.ino !== listed.ino || (strict && !provenAt(root, rel, fd))) {
      closeSync(fd);
      return { gone: true };
    }
    return { fd, stats };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Read up to `length` bytes at `position` into `into` (from its start); fewer at the end of the
 * file. The one bounded read: callers never ask for more than their window.
 */
export function readWindow(fd: number, into: Buffer, position: number, length: number): number {
  const want = Math.min(length, into.length);
  let got = 0;
  while (got < want) {
    const n = readSync(fd, into, got, want - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * readWindow on libuv's threads: the caller's thread goes on meanwhile (the warm start lists
 * the spool while its snapshot is read). Rejects with the read's error.
 */
export function readWindowAsync(fd: number, into: Buffer, position: number, length: number): Promise<number> {
  const want = Math.min(length, into.length);
  return new Promise((resolve, reject) => {
    let got = 0;
    const step = (): void => {
      if (got >= want) return resolve(got);
      read(fd, into, got, want - got, position + got, (error, n) => {
        if (error) return reject(error);
        if (n === 0) return resolve(got);
        got += n;
        step();
      });
    };
    step();
  });
}
