/**
 * Which names in a spool directory are regular files, from one readdir (its d_type; Node
 * lstats a name itself where the file system gives no type), so that the bulk reads (the
 * initial index, `postq list`) open a listed queue file or defer log without an lstat of its
 * own first: one system call and one Stats object fewer per file, about 14 % of a read
 * worker's CPU at 100k messages (README, Benchmark). A listing costs about a tenth of the
 * lstats it saves.
 *
 * Contract: isRegular(root, rel) is true only when rel's directory, reached through real
 * directories (safe-file.ts checkDirs), was listed less than TRUST_MS ago and had rel's name
 * as a regular file then. False says nothing: the caller lstats as before (a name not listed,
 * not a regular file, a directory not listed yet, a listing that failed). A directory is
 * listed once it has been asked about LIST_AFTER times in a row: a spread of a few files in
 * each of many directories (hold/'s defer logs are in every defer/ hash directory) would
 * cost more in listings than it saves, so queue files and defer logs each need an instance
 * of their own. Listings are kept up to MAX_NAMES names, the oldest dropped first.
 * Nothing throws: a directory that cannot be listed answers false for TRUST_MS.
 *
 * The race this widens, and why it is accepted: README, Security.
 */
import { readdirSync } from 'node:fs';
import { checkDirs, inSpool } from './safe-file.js';

/** How long a listing is trusted: the same as a directory checked real (safe-file.ts). */
export const TRUST_MS = 1000;
/** Lookups in a row in one directory before it is listed. */
export const LIST_AFTER = 32;
/** Names held in listings at most (~50 bytes each). */
const MAX_NAMES = 200_000;

interface Listing {
  root: string;
  at: number;
  regular: Set<string>;
}

/** The regular files' names of a directory (absolute path); throws as readdir does. */
export type ListRegular = (abs: string) => Set<string>;

function listRegular(abs: string): Set<string> {
  const regular = new Set<string>();
  // Names and types only, of a directory checkDirs found real: nothing is opened here.
  for (const dirent of readdirSync(abs, { withFileTypes: true })) if (dirent.isFile()) regular.add(dirent.name); // safe: names only, a real directory
  return regular;
}

export class DirTypes {
  /** By directory, relative to the queue directory (the root is checked: tests read many spools). */
  private readonly listings = new Map<string, Listing>();
  private names = 0;
  /** The directory asked about last without a listing, and how many times in a row. */
  private runDir = '';
  private runRoot = '';
  private run = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly list: ListRegular = listRegular,
  ) {}

  /** True when `rel` (below the queue directory `root`) was listed a moment ago as a regular file. */
  isRegular(root: string, rel: string): boolean {
    const slash = rel.lastIndexOf('/');
    if (slash <= 0) return false;
    const dir = rel.slice(0, slash);
    const now = this.now();
    let listing = this.listings.get(dir);
    if (listing !== undefined && (listing.root !== root || now - listing.at > TRUST_MS)) {
      this.drop(dir, listing);
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
    return listing.regular.has(rel.slice(slash + 1));
  }

  private take(root: string, rel: string, key: string, now: number): Listing {
    let regular = new Set<string>();
    try {
      // The directories above the file are real (trusted TRUST_MS, as for every bulk open).
      if (checkDirs(root, rel) === null) regular = this.list(inSpool(root, key));
    } catch {
      // Unreadable: the lstat path says why, file by file.
    }
    const listing = { root, at: now, regular };
    this.listings.set(key, listing);
    this.names += regular.size;
    for (const [oldKey, old] of this.listings) {
      if (this.names <= MAX_NAMES || old === listing) break;
      this.drop(oldKey, old);
    }
    return listing;
  }

  private drop(key: string, listing: Listing): void {
    this.listings.delete(key);
    this.names -= listing.regular.size;
  }
}
