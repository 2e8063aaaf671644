/**
 * Which names in a spool directory are not regular files, from one readdir (its d_type; Node
 * lstats a name itself where the file system gives no type), so that the bulk reads (the
 * initial index, `postq list`) open a queue file or defer log without an lstat of its own
 * first: one system call and one Stats object fewer per file (README, Benchmark). A listing
 * costs a fraction of the lstats it saves, and holds only the odd names (usually none).
 *
 * Contract: isRegular(root, rel) is true only when rel's directory, reached through real
 * directories (safe-file.ts checkDirs), was listed without rel's name among its FIFOs,
 * devices, sockets, symlinks and directories, and was seen unchanged (its inode, mtime and
 * ctime, which every rename, link, mknod or unlink in it moves) less than TRUST_MS ago: a
 * listing is checked by one lstat of its directory a second, not made again (at load 30 a
 * directory's pass outlasted a second, and listings made anew each second cost more than the
 * lstats they saved). A name that came after the listing reads as regular until then; the
 * open's O_NOFOLLOW and the fstat after it refuse anything else (README, Security).
 * False says nothing: the caller lstats as before (an odd name, a directory not listed yet,
 * a listing that failed or was not renewed). A directory is listed once it has been asked
 * about LIST_AFTER times in a row: a spread of a few files in each of many directories
 * (hold/'s defer logs are in every defer/ hash directory) would cost more in listings than
 * it saves, so queue files and defer logs each need an instance of their own.
 * Nothing throws: a directory that cannot be listed answers false until it is asked anew.
 */
import { lstatSync, opendirSync } from 'node:fs';
import { DIR_BUFFER } from './list-tree.js';
import { checkDirs, inSpool } from './safe-file.js';

/** How long a listing is trusted before its directory is looked at again (as safe-file.ts's directories). */
export const TRUST_MS = 1000;
/**
 * A directory changed this close to its listing may have changed in the same tick of the
 * kernel's coarse clock after it (its mtime would not tell): such a listing is not renewed.
 */
const CLOCK_SLACK_MS = 1000;
/** Lookups in a row in one directory before it is listed. */
export const LIST_AFTER = 32;
/** Listings kept (each a stamp and the odd names): more than the hash directories of a queue. */
const MAX_LISTINGS = 64;

/** What changes in a directory's lstat whenever a name in it comes, goes or is replaced. */
export interface DirStamp {
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
}

interface Listing {
  root: string;
  /** Its directory, relative to the queue directory (the map's key). */
  dir: string;
  /** When it was made or last seen unchanged. */
  at: number;
  listedAt: number;
  /** null: the directory could not be listed (every answer is false). */
  stamp: DirStamp | null;
  odd: Set<string>;
}

/** The names of a directory (absolute path) that are not regular files; throws as readdir does. */
export type ListOdd = (abs: string) => Set<string>;
/** A directory's stamp (absolute path), null when it is not a directory or is gone. */
export type StampDir = (abs: string) => DirStamp | null;

function listOdd(abs: string): Set<string> {
  const odd = new Set<string>();
  // Names and types only, of a directory checkDirs found real: nothing is opened here. A
  // buffer of names at a time, not readdirSync's whole list: 17,000 names of a deferred/ hash
  // directory at 300,000 messages, listed at once by each read worker (for the queue files and
  // again for the defer logs), outlived its young generation and filled its old one, which was
  // collected once per hash directory (`list --json` peaked at 95 MB, against 86 at 100,000).
  const dir = opendirSync(abs, { bufferSize: DIR_BUFFER }); // safe: names only, a real directory
  try {
    for (let dirent = dir.readSync(); dirent !== null; dirent = dir.readSync()) if (!dirent.isFile()) odd.add(dirent.name); // safe: the next name of the directory opened above
  } finally {
    dir.closeSync(); // safe: closes the directory handle
  }
  return odd;
}

function stampDir(abs: string): DirStamp | null {
  const stats = lstatSync(abs, { throwIfNoEntry: false }); // safe: lstat, follows nothing
  return stats?.isDirectory() ? { ino: stats.ino, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs } : null;
}

function sameStamp(a: DirStamp | null, b: DirStamp | null): boolean {
  return a !== null && b !== null && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

export class DirTypes {
  /** By directory, relative to the queue directory (the root is checked: tests read many spools). */
  private readonly listings = new Map<string, Listing>();
  /** The directory asked about last without a listing, and how many times in a row. */
  private runDir = '';
  private runRoot = '';
  private run = 0;
  /**
   * The listing answered last: the bulk reads ask thousands of times in a row about one
   * directory, and finding it again without cutting the directory's name out of the path and
   * hashing it (a new string per lookup) was most of a lookup's cost (README, Benchmark).
   */
  private last: Listing | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly list: ListOdd = listOdd,
    private readonly stamp: StampDir = stampDir,
  ) {}

  /** True when `rel` (below the queue directory `root`) may be opened without its lstat (header). */
  isRegular(root: string, rel: string): boolean {
    const slash = rel.lastIndexOf('/');
    if (slash <= 0) return false;
    // rel is `dir/name` with no slash in name: the same directory as last time when it starts
    // with that directory's name and has its slash right after it.
    const last = this.last;
    const same = last !== null && last.dir.length === slash && last.root === root && rel.startsWith(last.dir);
    const dir = same ? last.dir : rel.slice(0, slash);
    const now = this.now();
    let listing = same ? last : this.listings.get(dir);
    if (listing !== undefined && (listing.root !== root || (now - listing.at > TRUST_MS && !this.unchanged(root, rel, dir, listing, now)))) {
      this.drop(dir);
      listing = undefined;
    }
    if (listing === undefined) {
      // Only a run of lookups in one directory lists it: files spread over many directories
      // (hold/'s defer logs, one in each defer/ hash directory) would cost a listing each.
      if (dir === this.runDir && root === this.runRoot) this.run++;
      else (this.runDir = dir), (this.runRoot = root), (this.run = 1);
      if (this.run < LIST_AFTER) return false;
      this.run = 0;
      listing = this.take(root, rel, dir, now);
    }
    this.last = listing;
    if (listing.stamp === null) return false;
    // Usually no odd name at all: then no name is cut out and looked up either.
    return listing.odd.size === 0 || !listing.odd.has(rel.slice(slash + 1));
  }

  /** Forget a directory's listing (and that it was answered last). */
  private drop(dir: string): void {
    if (this.last?.dir === dir) this.last = null;
    this.listings.delete(dir);
  }

  /** Whether a listing still holds (renewed for TRUST_MS): its directory real and unchanged. */
  private unchanged(root: string, rel: string, dir: string, listing: Listing, now: number): boolean {
    try {
      const old = listing.stamp;
      if (old === null || old.mtimeMs >= listing.listedAt - CLOCK_SLACK_MS || old.ctimeMs >= listing.listedAt - CLOCK_SLACK_MS) return false;
      if (checkDirs(root, rel) !== null || !sameStamp(old, this.stamp(inSpool(root, dir)))) return false;
    } catch {
      return false;
    }
    listing.at = now;
    return true;
  }

  private take(root: string, rel: string, key: string, now: number): Listing {
    let odd = new Set<string>();
    let stamp: DirStamp | null = null;
    try {
      // The directories above the file are real (trusted TRUST_MS, as for every bulk open);
      // the stamp is taken before the names, so a change while listing shows as one.
      if (checkDirs(root, rel) === null) {
        stamp = this.stamp(inSpool(root, key));
        if (stamp !== null) odd = this.list(inSpool(root, key));
      }
    } catch {
      // Unreadable: the lstat path says why, file by file.
      stamp = null;
    }
    const listing: Listing = { root, dir: key, at: now, listedAt: now, stamp, odd };
    this.listings.set(key, listing);
    if (this.listings.size > MAX_LISTINGS) this.drop(this.listings.keys().next().value!);
    return listing;
  }
}
