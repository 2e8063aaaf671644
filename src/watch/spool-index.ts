/**
 * The watcher's own view of the spool: every queue file it has read (by path relative to the
 * queue directory, with the signature it had when read), the paths each queue id occupies, the
 * defer logs' signatures, and the entry last handed to the sink for each id. It is what a
 * reconcile compares the disk against and what a full batch is built from. No I/O.
 *
 * Contract: one entry per queue id goes to the sink. Should an id sit in two queues at once
 * (a hand-made spool; Postfix never does this), the entry from the queue earliest in
 * QUEUE_NAMES order wins and the other file stays tracked. Nothing here throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { FileSig } from './file-sig.js';

/** A read queue file: its signature fields flat in the same object (one object per file). */
export interface TrackedFile extends FileSig {
  queueId: string;
  queueName: QueueName;
  entry: QueueEntry;
}

const rank = new Map<QueueName, number>(QUEUE_NAMES.map((q, i) => [q, i]));
/** The intern table's least bound (see intern()). */
const INTERN_MIN = 4096;

export class SpoolIndex {
  /** Every tracked queue file, by relative path. */
  readonly files = new Map<string, TrackedFile>();
  /**
   * Defer log signatures by queue id: deferSigOf (its ctime, file-sig.ts); null: looked for,
   * absent; no key: never looked for.
   */
  readonly deferSigs = new Map<string, number | null>();
  /** What the sink holds, by queue id. */
  readonly emitted = new Map<string, QueueEntry>();
  /** Paths by id: a plain string for the usual one path (no array per id). */
  private readonly byId = new Map<string, string | string[]>();
  private readonly strings = new Map<string, string>();
  /** Counts changes to the tracked files: a snapshot saved at `changes` N is current while it stays N. */
  changes = 0;
  /** addFile() calls for an id the index already had: what it learned then is no new id (SpoolBatch.fresh). */
  knownAdds = 0;

  /**
   * One flat copy per distinct string: defer reasons repeat across thousands of messages, and
   * each parsed copy would also keep its whole log line alive (a sliced string). The table
   * holds at most about two strings per tracked file: reasons change for as long as the
   * console runs ("try again in 297 seconds", another MX address), and a table that only
   * grew kept every reason ever read (npm run soak: heap growing with the queue size flat).
   * Past the bound it starts again; the strings the entries use stay theirs.
   */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= Math.max(INTERN_MIN, 2 * this.files.size)) this.strings.clear();
    const flat = Buffer.from(text, 'utf8').toString('utf8');
    this.strings.set(flat, flat);
    return flat;
  }

  /**
   * intern() for a string known to be flat (decoded from a record or from the read workers'
   * wire): senders and recipient addresses repeat across a bulk queue too (one copy of
   * `sender27@...` instead of 4,000), and a miss costs only the lookup. Same bounded table.
   */
  share(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= Math.max(INTERN_MIN, 2 * this.files.size)) this.strings.clear();
    this.strings.set(text, text);
    return text;
  }

  /** Strings in the intern table (for tests). */
  get internedCount(): number {
    return this.strings.size;
  }

  pathsOf(queueId: string): readonly string[] {
    const paths = this.byId.get(queueId);
    return paths === undefined ? [] : typeof paths === 'string' ? [paths] : paths;
  }

  setFile(relPath: string, tracked: TrackedFile): void {
    this.changes++;
    if (!this.files.has(relPath)) {
      const paths = this.byId.get(tracked.queueId);
      this.byId.set(tracked.queueId, paths === undefined ? relPath : [...this.pathsOf(tracked.queueId), relPath]);
    }
    this.files.set(relPath, tracked);
  }

  /**
   * setFile and settle in one, with half the map operations for what the initial index almost
   * always has: a path and an id the index does not know yet. Returns the entry the sink must
   * learn, or null when nothing changed for it.
   */
  addFile(relPath: string, tracked: TrackedFile): QueueEntry | null {
    const queueId = tracked.queueId;
    this.changes++;
    // A file's id is its path's last part, so a known path has a known id: one lookup, not two
    // (100,000 of them on the main thread of a warm start).
    if (this.byId.has(queueId)) {
      this.knownAdds++;
      this.setFile(relPath, tracked);
      const change = this.settle(queueId);
      return change?.kind === 'upsert' ? change.entry : null;
    }
    this.files.set(relPath, tracked);
    this.byId.set(queueId, relPath);
    this.emitted.set(queueId, tracked.entry);
    return tracked.entry;
  }

  deleteFile(relPath: string): void {
    const tracked = this.files.get(relPath);
    if (!tracked) return;
    this.changes++;
    this.files.delete(relPath);
    const paths = this.pathsOf(tracked.queueId).filter((p) => p !== relPath);
    if (paths.length === 0) this.byId.delete(tracked.queueId);
    else this.byId.set(tracked.queueId, paths.length === 1 ? paths[0]! : paths);
  }

  /** The entry the sink should hold for an id now, or null when no file has it. */
  primary(queueId: string): QueueEntry | null {
    let best: TrackedFile | null = null;
    for (const path of this.pathsOf(queueId)) {
      const tracked = this.files.get(path)!;
      if (!best || rank.get(tracked.queueName)! < rank.get(best.queueName)!) best = tracked;
    }
    return best?.entry ?? null;
  }

  /**
   * Bring `emitted` in line with the files for one id. Returns 'upsert' with the entry when the
   * sink must learn something, 'removal' when the id is gone, null when nothing changed.
   */
  settle(queueId: string): { kind: 'upsert'; entry: QueueEntry } | { kind: 'removal' } | null {
    const next = this.primary(queueId);
    const prev = this.emitted.get(queueId);
    if (next === null) {
      if (prev === undefined) return null;
      this.emitted.delete(queueId);
      this.deferSigs.delete(queueId);
      return { kind: 'removal' };
    }
    if (next === prev) return null;
    this.emitted.set(queueId, next);
    return { kind: 'upsert', entry: next };
  }

  clear(): void {
    this.changes++;
    this.files.clear();
    this.deferSigs.clear();
    this.emitted.clear();
    this.byId.clear();
  }
}
