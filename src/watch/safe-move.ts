/**
 * Safe changes to files under the queue directory, for the direct backend (the only mover that
 * is not postsuper): move without ever replacing, unlink, chmod and touch a regular file, make a
 * hash directory. Each directory is opened with O_DIRECTORY|O_NOFOLLOW and proven to be the real
 * `root/relDir` (safe-file.ts provenAt), and the operation then goes through that descriptor
 * (`/proc/self/fd/N/name`, Linux's openat for path calls), so a directory swapped for a symlink
 * at any moment can never send a move or an unlink outside the spool. A file is touched only
 * when it is a regular file with the device and inode it was found with; FIFOs, sockets,
 * devices and symlinks are refused with their type.
 *
 * A move is link(2) then unlink(2): link fails on an existing target, so two movers can never
 * overwrite each other's file (rename(2) would replace it silently). A SIGKILL between the two
 * leaves one inode under two names; settleHalfMove() finds and finishes that on the next run.
 *
 * Contract: every function returns an outcome (done, gone, or a refusal/failure in words);
 * errors other than vanishing files and refusals throw (the backend reports them per id).
 */
import { closeSync, constants, fchmodSync, fstatSync, futimesSync, linkSync, lstatSync, mkdirSync, openSync, type Stats, unlinkSync, writeSync } from 'node:fs';
import { fileKind, inSpool, openInSpool, provenAt, readWindow } from './safe-file.js';

export type ChangeOutcome = { status: 'done' } | { status: 'gone' } | { status: 'refused'; reason: string };

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

interface DirHandle {
  fd: number;
  /** The path prefix that reaches the proven directory itself. */
  via: string;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function splitRel(rel: string): { dir: string; name: string } {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? { dir: '', name: rel } : { dir: rel.slice(0, slash), name: rel.slice(slash + 1) };
}

/** Open and prove `root/relDir`; null when it is missing, a string when it is not a real directory. */
function openDir(root: string, relDir: string): DirHandle | null | string {
  const abs = relDir === '' ? root : inSpool(root, relDir);
  let fd: number;
  try {
    fd = openSync(abs, DIR_FLAGS); // safe: O_DIRECTORY|O_NOFOLLOW, proved below to be the real directory
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR' || code === 'ELOOP') return `${relDir} is not a directory (a symlink or another file): refused`;
    throw error;
  }
  if (relDir !== '' && !provenAt(root, relDir, fd)) {
    closeSync(fd);
    return `${relDir} is not reached through real directories: refused`;
  }
  // No /proc: the path itself, just proven (a narrower race than none at all).
  return { fd, via: hasProcFd() ? `/proc/self/fd/${fd}` : abs };
}

let procFd: boolean | undefined;
function hasProcFd(): boolean {
  if (procFd === undefined) {
    try {
      procFd = lstatSync('/proc/self/fd').isDirectory();
    } catch {
      procFd = false;
    }
  }
  return procFd;
}

function withDir<T>(root: string, relDir: string, create: boolean, use: (dir: DirHandle) => T, missing: () => T, refused: (why: string) => T): T {
  let dir = openDir(root, relDir);
  if (dir === null && create) {
    const { dir: parentRel, name } = splitRel(relDir);
    const made = withDir(root, parentRel, true, (parent) => {
      try {
        mkdirSync(`${parent.via}/${name}`, { mode: 0o700 });
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw error;
      }
      return true;
    }, () => false, () => false);
    if (made) dir = openDir(root, relDir);
  }
  if (dir === null) return missing();
  if (typeof dir === 'string') return refused(dir);
  try {
    return use(dir);
  } finally {
    closeSync(dir.fd);
  }
}

function lstatIn(dir: DirHandle, name: string): Stats | null {
  try {
    return lstatSync(`${dir.via}/${name}`);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    throw error;
  }
}

const same = (a: Stats, b: { dev: number; ino: number }) => a.dev === b.dev && a.ino === b.ino;

export interface Expect {
  dev: number;
  ino: number;
}

/** What a file is: its stats when regular, else a refusal naming its type. */
export function regularFileAt(root: string, rel: string): Stats | null | string {
  const { dir, name } = splitRel(rel);
  return withDir(root, dir, false, (d) => {
    const stats = lstatIn(d, name);
    if (stats && !stats.isFile()) return `${rel}: not a regular file: ${fileKind(stats.mode)}; not touched`;
    return stats;
  }, () => null, (why) => why);
}

/**
 * Move `fromRel` to `toRel` (creating the target's hash directory), never replacing anything:
 * link, check the new name is the same inode, unlink the old name only while it still is.
 */
export function moveNoReplace(root: string, fromRel: string, toRel: string, expect: Expect): ChangeOutcome {
  // Held open across the move: should a concurrent settleHalfMove() remove the other name at
  // the same moment as our unlink, the message is still here to be written back.
  const held = openInSpool(root, fromRel, { strict: true, expect });
  if ('gone' in held) return { status: 'gone' };
  if ('refused' in held) return { status: 'refused', reason: `${fromRel}: not a regular file: ${held.refused.kind}; not moved` };
  try {
    const outcome = linkThenUnlink(root, fromRel, toRel, expect);
    if (outcome.status === 'done') keepAlive(root, toRel, held.fd);
    return outcome;
  } finally {
    closeSync(held.fd);
  }
}

/** If the inode lost every name (two removers raced), write its bytes back at `rel`. */
function keepAlive(root: string, rel: string, fd: number): void {
  const stats = fstatSync(fd);
  if (stats.nlink > 0) return;
  const { dir, name } = splitRel(rel);
  withDir(root, dir, true, (d) => {
    let out: number;
    try {
      out = openSync(`${d.via}/${name}`, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return;
      throw error;
    }
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      for (let at = 0; ; ) {
        const n = readWindow(fd, buffer, at, buffer.length);
        if (n === 0) break;
        for (let w = 0; w < n; ) w += writeSync(out, buffer, w, n - w, at + w);
        at += n;
      }
      fchmodSync(out, stats.mode & 0o7777);
      futimesSync(out, stats.atime, stats.mtime);
    } finally {
      closeSync(out);
    }
  }, () => undefined, () => undefined);
}

function linkThenUnlink(root: string, fromRel: string, toRel: string, expect: Expect): ChangeOutcome {
  const from = splitRel(fromRel);
  const to = splitRel(toRel);
  return withDir(root, from.dir, false, (src) => {
    const stats = lstatIn(src, from.name);
    if (!stats || !same(stats, expect)) return { status: 'gone' };
    if (!stats.isFile()) return { status: 'refused', reason: `${fromRel}: not a regular file: ${fileKind(stats.mode)}; not moved` };
    return withDir<ChangeOutcome>(root, to.dir, true, (dst) => {
      try {
        linkSync(`${src.via}/${from.name}`, `${dst.via}/${to.name}`);
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EEXIST') return { status: 'refused', reason: `${toRel} already exists; not overwritten` };
        if (code === 'ENOENT') return { status: 'gone' };
        throw error;
      }
      const linked = lstatIn(dst, to.name);
      if (!linked || !same(linked, expect)) {
        // The old name was swapped between the check and the link: undo what we linked.
        if (linked) unlinkSync(`${dst.via}/${to.name}`); // safe: through the proved directory fd, the inode we linked
        return { status: 'gone' };
      }
      const still = lstatIn(src, from.name);
      try {
        if (still && same(still, expect)) unlinkSync(`${src.via}/${from.name}`); // safe: proved directory fd, lstat'ed inode
      } catch (error) {
        // Another mover settled our half-done move first (settleHalfMove): the move is done.
        if (errnoOf(error) !== 'ENOENT') throw error;
      }
      return { status: 'done' };
    }, () => ({ status: 'gone' }), (why) => ({ status: 'refused', reason: why }));
  }, () => ({ status: 'gone' }), (why) => ({ status: 'refused', reason: why }));
}

/** Unlink a regular file (optionally only the expected inode); FIFOs, sockets, devices, symlinks are refused. */
export function unlinkRegular(root: string, rel: string, expect?: Expect): ChangeOutcome {
  const { dir, name } = splitRel(rel);
  return withDir<ChangeOutcome>(root, dir, false, (d) => {
    const stats = lstatIn(d, name);
    if (!stats || (expect && !same(stats, expect))) return { status: 'gone' };
    if (!stats.isFile()) return { status: 'refused', reason: `${rel}: not a regular file: ${fileKind(stats.mode)}; not deleted` };
    try {
      unlinkSync(`${d.via}/${name}`); // safe: proved directory fd; lstat said a regular file
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return { status: 'gone' };
      throw error;
    }
    return { status: 'done' };
  }, () => ({ status: 'gone' }), (why) => ({ status: 'refused', reason: why }));
}

/** chmod and/or touch a regular file through its own descriptor (never through a path twice). */
export function changeRegular(root: string, rel: string, expect: Expect, change: { mode?: number; time?: Date }): ChangeOutcome {
  const opened = openInSpool(root, rel, { strict: true, expect });
  if ('gone' in opened) return { status: 'gone' };
  if ('refused' in opened) return { status: 'refused', reason: `${rel}: not a regular file: ${opened.refused.kind}; not changed` };
  try {
    if (change.time) futimesSync(opened.fd, change.time, change.time);
    if (change.mode !== undefined) fchmodSync(opened.fd, change.mode);
    return { status: 'done' };
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * A move killed between link and unlink leaves one inode at two of an id's paths. Given the
 * paths Postfix could hold the id at, remove the extra name: the original direction is not
 * recorded, so the name at the later path in `paths` stays (the caller orders them).
 * Returns how many extra names were removed.
 */
export function settleHalfMove(root: string, paths: readonly string[]): number {
  const found: Array<{ rel: string; stats: Stats }> = [];
  for (const rel of paths) {
    const stats = regularFileAt(root, rel);
    if (stats && typeof stats !== 'string' && stats.nlink > 1) found.push({ rel, stats });
  }
  let removed = 0;
  for (let i = 0; i < found.length; i++) {
    const twin = found.slice(i + 1).find((f) => same(f.stats, found[i]!.stats));
    if (!twin) continue;
    // Held open: a mover finishing this very move may unlink the twin at the same moment.
    const held = openInSpool(root, twin.rel, { strict: true, expect: twin.stats });
    if (!('fd' in held)) continue;
    try {
      if (unlinkRegular(root, found[i]!.rel, found[i]!.stats).status === 'done') removed++;
      keepAlive(root, twin.rel, held.fd);
    } finally {
      closeSync(held.fd);
    }
  }
  return removed;
}
