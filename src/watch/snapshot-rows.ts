/**
 * The rows of one snapshot group (one directory's files) in the snapshot's own compact form
 * (index-snapshot.ts format 3): whole numbers that are indices, counts or flags in a
 * Uint32Array, the rest (stat figures, times, sizes) in a Float64Array, each string of the
 * group once in a table. A row is decoded only when its file is taken, after its figures were
 * compared with an lstat: a start checks the raw numbers first and builds one entry per
 * trusted file, with no intermediate objects for the whole directory (format 2 decoded every
 * read of a directory at once, in the read workers' wire form, and kept a Map of its ids).
 *
 * Contract: for any rows added, `readAt` gives back reads deep-equal to them (an entry the flat
 * layout does not cover travels whole as an object: slower, never different), and `figuresAt`
 * the signatures added. Nothing here throws on rows it wrote; a group's shape is checked when
 * loaded (index-snapshot.ts loadGroup). Pure, no I/O.
 */
import { CLIENT_ATTRIBUTE_KEYS, type ClientAttributes, type Diagnostic, type EntryState, type ListedRecipient, type QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import { smallInt as int } from '../domain/small-int.js';
import type { FileSig } from './file-sig.js';
import type { EntryRead } from './read-entry.js';
import { isFlat } from './read-wire.js';

export const DEFER_NOT_READ = 0;
export const DEFER_ABSENT = 1;
export const DEFER_PRESENT = 2;

/** A file's defer log as captured: kind, and its lstat figures when present. */
export interface LogFigures {
  kind: typeof DEFER_NOT_READ | typeof DEFER_ABSENT | typeof DEFER_PRESENT;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** One directory's rows as stored (v8-serialized on their own, index-snapshot.ts). */
export interface RowsData {
  /** The queue directory's device: every file of the group is on it. */
  dev: number;
  ids: string[];
  strings: string[];
  /** Diagnostics lists, and reads sent whole. */
  objects: unknown[];
  u32: Uint32Array;
  f64: Float64Array;
}

// Flags, the first Uint32 of a row; the defer kind in bits KIND_SHIFT and up.
const FLAT = 1;
const FORCED = 2;
const LISTED = 4;
const DEFER_READ = 8;
const CLIENT = 16;
const SUBJECT = 32;
const DIAGNOSTICS = 64;
const CREATE_TIME = 128;
const DEFER_SIG = 256;
/** The entry's mtime, fileSize and mode are the signature's (as read-entry.ts sets them). */
const FROM_SIG = 512;
/** The defer log's device differs from the group's: stored. */
const LOG_DEV = 1024;
const KIND_SHIFT = 11;
const CLIENT_KEYS = CLIENT_ATTRIBUTE_KEYS.length;
/** Float64s at the start of every row: the queue file's ino, size, mode, mtimeMs, ctimeMs. */
const SIG_FIGURES = 5;

/**
 * Float64s of a row's signatures: the queue file's, then a present defer log's (ino, size,
 * mtimeMs, ctimeMs; its dev first where it is not the group's).
 */
function sigFigures(flags: number): number {
  return SIG_FIGURES + (flags >>> KIND_SHIFT === DEFER_PRESENT ? ((flags & LOG_DEV) !== 0 ? 5 : 4) : 0);
}

/** One shared empty list for the entries without diagnostics (most): as read-wire.ts. */
const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];

/** Builds one group's rows as a capture visits its files. */
export class RowsWriter {
  private readonly ids: string[] = [];
  private readonly strings: string[] = [];
  private readonly objects: unknown[] = [];
  private readonly u: number[] = [];
  private readonly f: number[] = [];
  private readonly seen = new Map<string, number>();
  /** isFlat's question for the row being added: one object for the group. */
  private readonly slice: { queueName: QueueName; dir: string; ids: string[] };

  constructor(queueName: QueueName, dir: string, private readonly dev: number) {
    this.slice = { queueName, dir, ids: [''] };
  }

  get size(): number {
    return this.ids.length;
  }

  private str(s: string): number {
    let k = this.seen.get(s);
    if (k === undefined) this.seen.set(s, (k = this.strings.push(s) - 1));
    return k;
  }

  add(read: EntryRead, log: LogFigures): void {
    const { entry: e, sig: s } = read;
    const { u, f } = this;
    this.slice.ids[0] = e.queueId;
    const flat = isFlat(read, this.slice, 0);
    const fromSig = flat && e.mtime === Math.floor(s.mtimeMs / 1000) && e.fileSize === s.size && e.mode === s.mode;
    const subject = flat && e.subject !== null;
    const client = flat ? (e.client ?? null) : null;
    const createTime = flat ? (e.createTime ?? null) : null;
    const logDev = log.kind === DEFER_PRESENT && log.dev !== this.dev;
    let flags = (log.kind << KIND_SHIFT) | (logDev ? LOG_DEV : 0);
    if (flat) {
      flags |= FLAT | (e.forcedExpire ? FORCED : 0) | (e.listed ? LISTED : 0) | (read.deferRead ? DEFER_READ : 0) | (client ? CLIENT : 0);
      flags |= (subject ? SUBJECT : 0) | (e.diagnostics.length > 0 ? DIAGNOSTICS : 0) | (createTime !== null ? CREATE_TIME : 0);
      flags |= (read.deferSig !== null ? DEFER_SIG : 0) | (fromSig ? FROM_SIG : 0);
    }
    this.ids.push(e.queueId);
    u.push(flags);
    f.push(s.ino, s.size, s.mode, s.mtimeMs, s.ctimeMs);
    if (log.kind === DEFER_PRESENT) {
      if (logDev) f.push(log.dev);
      f.push(log.ino, log.size, log.mtimeMs, log.ctimeMs);
    }
    if (!flat) {
      u.push(this.objects.push(read) - 1);
      return;
    }
    f.push(e.arrivalTime, e.messageSize);
    if (createTime !== null) f.push(createTime);
    if (read.deferSig !== null) f.push(read.deferSig);
    if (!fromSig) f.push(e.mtime, e.fileSize, e.mode);
    u.push(this.str(e.sender), this.str(e.state), e.recipients.length);
    if (subject) u.push(this.str(e.subject!));
    if (e.diagnostics.length > 0) u.push(this.objects.push(e.diagnostics) - 1);
    if (client) for (const key of CLIENT_ATTRIBUTE_KEYS) u.push(client[key] === null ? 0 : this.str(client[key]) + 1);
    for (const r of e.recipients) u.push(this.str(r.address), this.str(r.delayReason));
  }

  finish(): RowsData {
    return { dev: this.dev, ids: this.ids, strings: this.strings, objects: this.objects, u32: Uint32Array.from(this.u), f64: Float64Array.from(this.f) };
  }
}

/** Where each row starts in the two arrays; null when the arrays do not hold `ids.length` rows. */
export function rowOffsets(data: RowsData): { u: Uint32Array; f: Uint32Array } | null {
  const n = data.ids.length;
  const uAt = new Uint32Array(n);
  const fAt = new Uint32Array(n);
  const { u32, f64 } = data;
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    if (p >= u32.length) return null;
    uAt[i] = p;
    fAt[i] = q;
    const flags = u32[p]!;
    q += sigFigures(flags);
    if ((flags & FLAT) === 0) {
      p += 2;
      continue;
    }
    if (p + 3 >= u32.length) return null;
    q += 2 + (flags & CREATE_TIME ? 1 : 0) + (flags & DEFER_SIG ? 1 : 0) + (flags & FROM_SIG ? 0 : 3);
    p += 4 + (flags & SUBJECT ? 1 : 0) + (flags & DIAGNOSTICS ? 1 : 0) + (flags & CLIENT ? CLIENT_KEYS : 0) + 2 * u32[p + 3]!;
  }
  return p === u32.length && q === f64.length ? { u: uAt, f: fAt } : null;
}

/** Whether the row at `p` is in the flat layout (else its read is stored whole). */
export function isFlatRow(data: RowsData, p: number): boolean {
  return (data.u32[p]! & FLAT) !== 0;
}

/** The defer log kind of the row at `p` (its first Uint32). */
export function logKindAt(data: RowsData, p: number): number {
  return data.u32[p]! >>> KIND_SHIFT;
}

/**
 * Whether the row at (`p`, `q`) has the lstat figures `fig` (stat-figures.ts layout: FOUND, dev,
 * ino, size, mode, mtimeMs, ctimeMs at `at`; its defer log's at `log`, already known to be a
 * regular file when the row says present): the file's, then its log's.
 */
export function sameFigures(data: RowsData, p: number, q: number, fig: Float64Array, at: number, log: number): boolean {
  const f = data.f64;
  if (fig[at + 1] !== data.dev || fig[at + 2] !== f[q] || fig[at + 3] !== f[q + 1] || fig[at + 4] !== f[q + 2] || fig[at + 5] !== f[q + 3] || fig[at + 6] !== f[q + 4]) return false;
  const flags = data.u32[p]!;
  if (flags >>> KIND_SHIFT !== DEFER_PRESENT) return true;
  let l = q + SIG_FIGURES;
  const dev = (flags & LOG_DEV) !== 0 ? f[l++] : data.dev;
  return fig[log + 1] === dev && fig[log + 2] === f[l] && fig[log + 3] === f[l + 1] && fig[log + 5] === f[l + 2] && fig[log + 6] === f[l + 3];
}

/** Builds the reads of one group's rows, sharing each of its strings once (`intern` for reasons, `share` for the rest). */
export class RowsReader {
  /** Sized at once: filled out of order from empty, V8 would keep them as slow dictionaries. */
  private readonly reasons: Array<string | undefined>;
  private readonly shared: Array<string | undefined>;

  constructor(
    private readonly data: RowsData,
    private readonly queueName: QueueName,
    private readonly dir: string,
    private readonly intern: (s: string) => string,
    private readonly share: (s: string) => string,
  ) {
    this.reasons = new Array<string | undefined>(data.strings.length).fill(undefined);
    this.shared = new Array<string | undefined>(data.strings.length).fill(undefined);
  }

  private reason(k: number): string {
    return (this.reasons[k] ??= this.intern(this.data.strings[k]!));
  }

  private text(k: number): string {
    return (this.shared[k] ??= this.share(this.data.strings[k]!));
  }

  /** The read of row `i`, its numbers at `p` (Uint32) and `q` (Float64). */
  readAt(i: number, p: number, q: number): EntryRead {
    const { u32: u, f64: f, strings, objects } = this.data;
    const flags = u[p]!;
    const sig: FileSig = { ino: int(f[q]!), size: int(f[q + 1]!), mode: int(f[q + 2]!), mtimeMs: f[q + 3]!, ctimeMs: f[q + 4]! };
    if ((flags & FLAT) === 0) {
      const read = objects[u[p + 1]!] as EntryRead;
      read.entry.sender = this.share(read.entry.sender);
      for (const r of read.entry.recipients) (r.address = this.share(r.address)), (r.delayReason = this.intern(r.delayReason));
      return read;
    }
    q += sigFigures(flags);
    const arrivalTime = int(f[q++]!);
    const messageSize = int(f[q++]!);
    const createTime = flags & CREATE_TIME ? int(f[q++]!) : null;
    const deferSig = flags & DEFER_SIG ? f[q++]! : null;
    const fromSig = (flags & FROM_SIG) !== 0;
    const mtime = fromSig ? int(Math.floor(sig.mtimeMs / 1000)) : int(f[q]!);
    const fileSize = fromSig ? sig.size : int(f[q + 1]!);
    const mode = fromSig ? sig.mode : int(f[q + 2]!);
    const sender = this.text(u[p + 1]!);
    const state = strings[u[p + 2]!] as EntryState;
    const count = u[p + 3]!;
    let at = p + 4;
    const subject = flags & SUBJECT ? this.text(u[at++]!) : null;
    const diagnostics = flags & DIAGNOSTICS ? (objects[u[at++]!] as Diagnostic[]) : NO_DIAGNOSTICS;
    let client: ClientAttributes | null = null;
    if (flags & CLIENT) {
      const c: Record<string, string | null> = {};
      for (const key of CLIENT_ATTRIBUTE_KEYS) {
        const k = u[at++]!;
        c[key] = k === 0 ? null : strings[k - 1]!;
      }
      client = c as unknown as ClientAttributes;
    }
    // Allocated at its length (a pushed list reserves 17 slots: 15 MB at 100k), as read-wire.ts;
    // the usual one recipient as a literal (new Array(n) is a call into the runtime).
    let recipients: ListedRecipient[];
    if (count === 1) recipients = [{ address: this.text(u[at]!), delayReason: this.reason(u[at + 1]!) }];
    else {
      recipients = new Array<ListedRecipient>(count);
      for (let k = 0; k < count; k++, at += 2) recipients[k] = { address: this.text(u[at]!), delayReason: this.reason(u[at + 1]!) };
    }
    const queueId = this.data.ids[i]!;
    const entry: QueueEntry = {
      queueName: this.queueName,
      queueId,
      path: `${this.dir}/${queueId}`,
      arrivalTime,
      messageSize,
      forcedExpire: (flags & FORCED) !== 0,
      sender,
      recipients,
      listed: (flags & LISTED) !== 0,
      state,
      diagnostics,
      mtime,
      fileSize,
      mode,
      subject,
      createTime,
      client,
      inode: sig.ino,
    };
    return { entry, sig, deferRead: (flags & DEFER_READ) !== 0, deferSig };
  }
}
