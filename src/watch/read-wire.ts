/**
 * The wire form of a slice of reads, from a read worker to the main thread: the numbers in one
 * Float64Array (transferred, not copied) and every string once per slice in a table, instead
 * of structured clones of the entry objects. At 100k messages, cloning the objects cost about 3.5 s of CPU on the two
 * sides (a delay reason repeated on every recipient is cloned every time); the flat form is
 * a fraction of that, and the decoded entries share one copy of each repeated string.
 *
 * Contract: decodeReads(encodeReads(reads), slice) deep-equals `reads` for any reads of that
 * slice. A read this layout does not cover (a field added to QueueEntry, an entry whose path
 * is not the slice's) travels whole as an object: slower, never different. Pure, no I/O.
 */
import { CLIENT_ATTRIBUTE_KEYS, type ClientAttributes, type Diagnostic, type EntryState, type ListedRecipient, type QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import { smallInt as int } from '../domain/small-int.js';
import type { EntryRead } from './read-entry.js';

export interface WireReads {
  /** Per read: GONE, WHOLE (the read is the next of `objects`), or FLAT + its fields. */
  numbers: Float64Array;
  /** Every string once (addresses, reasons, senders, subjects, states). */
  strings: string[];
  /** What the numbers cannot say: diagnostics, and reads sent WHOLE. */
  objects: unknown[];
}

export interface WireSlice {
  queueName: QueueName;
  dir: string;
  ids: readonly string[];
}

/** One shared empty list for the entries without diagnostics (most): 100k arrays fewer to keep. */
const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];

const GONE = 0;
const FLAT = 1;
const WHOLE = 2;
/** Numbers after the tag in a FLAT read, before its client (CLIENT more when it has one) and recipients (two each). */
const FIXED = 21;
const CLIENT = CLIENT_ATTRIBUTE_KEYS.length;
/** In the number array: null, and -1 (no subject / no diagnostics) as indices. */
const NONE = -1;
/** Fields the flat form carries; any other field sends the read WHOLE. */
const ENTRY_KEYS = new Set(['queueName', 'queueId', 'path', 'arrivalTime', 'messageSize', 'forcedExpire', 'sender', 'recipients', 'listed', 'state', 'diagnostics', 'mtime', 'fileSize', 'mode', 'subject', 'createTime', 'client', 'inode']);

/** null, or an object with exactly the client keys, each a string or null. */
function isFlatClient(client: unknown): boolean {
  if (client === null) return true;
  if (typeof client !== 'object') return false;
  let keys = 0;
  for (const _ in client) keys++;
  if (keys !== CLIENT) return false;
  for (const key of CLIENT_ATTRIBUTE_KEYS) {
    const v = (client as Record<string, unknown>)[key];
    if (v !== null && typeof v !== 'string') return false;
  }
  return true;
}

/** Whether the flat layout carries `read` exactly (the snapshot's rows use the same test, snapshot-rows.ts). */
export function isFlat(read: EntryRead, slice: WireSlice, i: number): boolean {
  const e = read.entry;
  if (e.queueName !== slice.queueName || e.queueId !== slice.ids[i] || e.path !== `${slice.dir}/${slice.ids[i]}`) return false;
  if (typeof e.subject !== 'string' && e.subject !== null) return false;
  // Entries built without these (not by buildEntry) cross whole: the flat form always sets them.
  if (!('createTime' in e) || (e.createTime !== null && typeof e.createTime !== 'number')) return false;
  if (!('client' in e) || !isFlatClient(e.client)) return false;
  if (read.deferSig !== null && typeof read.deferSig !== 'number') return false;
  // The flat form rebuilds the inode from the signature: only where they agree.
  if (e.inode !== read.sig.ino) return false;
  for (const key in e) if (!ENTRY_KEYS.has(key)) return false;
  // Counted without Object.keys: this runs for every recipient of 100k messages.
  for (const r of e.recipients) {
    let keys = 0;
    for (const _ in r) keys++;
    if (keys !== 2 || typeof r.address !== 'string' || typeof r.delayReason !== 'string') return false;
  }
  return true;
}

export function encodeReads(reads: ReadonlyArray<EntryRead | null>, slice: WireSlice): WireReads {
  let size = 0;
  for (const read of reads) size += read === null ? 1 : 1 + FIXED + (read.entry.client ? CLIENT : 0) + 2 * read.entry.recipients.length;
  const n = new Float64Array(size);
  const strings: string[] = [];
  const objects: unknown[] = [];
  const seen = new Map<string, number>();
  const str = (s: string) => {
    let k = seen.get(s);
    if (k === undefined) seen.set(s, (k = strings.push(s) - 1));
    return k;
  };
  let p = 0;
  reads.forEach((read, i) => {
    if (read === null) return (n[p++] = GONE);
    if (!isFlat(read, slice, i)) {
      n[p++] = WHOLE;
      objects.push(read);
      return;
    }
    const e = read.entry;
    const s = read.sig;
    n[p++] = FLAT;
    n[p++] = e.arrivalTime;
    n[p++] = e.messageSize;
    n[p++] = e.forcedExpire ? 1 : 0;
    n[p++] = str(e.sender);
    n[p++] = e.listed ? 1 : 0;
    n[p++] = str(e.state);
    n[p++] = e.diagnostics.length === 0 ? NONE : objects.push(e.diagnostics) - 1;
    n[p++] = e.mtime;
    n[p++] = e.fileSize;
    n[p++] = e.mode;
    n[p++] = e.subject === null ? NONE : str(e.subject);
    n[p++] = s.ino;
    n[p++] = s.size;
    n[p++] = s.mode;
    n[p++] = s.mtimeMs;
    n[p++] = s.ctimeMs;
    n[p++] = read.deferRead ? 1 : 0;
    n[p++] = read.deferSig ?? Number.NaN;
    n[p++] = e.recipients.length;
    n[p++] = e.createTime ?? Number.NaN;
    const client = e.client ?? null;
    n[p++] = client === null ? 0 : 1;
    if (client !== null) for (const key of CLIENT_ATTRIBUTE_KEYS) n[p++] = client[key] === null ? NONE : str(client[key]);
    for (const r of e.recipients) {
      n[p++] = str(r.address);
      n[p++] = str(r.delayReason);
    }
  });
  return { numbers: n, strings, objects };
}

/**
 * `intern` is applied to each distinct delay reason once per slice (the index keeps one copy
 * of each reason; here that costs one lookup per slice instead of one per recipient), and
 * `share` to each distinct sender, address and subject.
 *
 * Memory, for the 100k entries a console keeps: the recipient lists are allocated at their
 * length (a pushed list reserves 17 slots: 15 MB at 100k), and whole numbers read from the
 * Float64Array are stored as small integers (small-int.ts), not as boxed doubles.
 */
export function decodeReads(wire: WireReads, slice: WireSlice, intern: (s: string) => string = (s) => s, share: (s: string) => string = (s) => s): Array<EntryRead | null> {
  const { numbers: n, strings, objects } = wire;
  const reasons: Array<string | undefined> = [];
  const reason = (k: number) => (reasons[k] ??= intern(strings[k]!));
  const shared: Array<string | undefined> = [];
  const text = (k: number) => (shared[k] ??= share(strings[k]!));
  const out: Array<EntryRead | null> = [];
  let p = 0;
  let o = 0;
  for (let i = 0; i < slice.ids.length; i++) {
    const tag = n[p++];
    if (tag === GONE) out.push(null);
    else if (tag === WHOLE) {
      const read = objects[o++] as EntryRead;
      read.entry.sender = share(read.entry.sender);
      for (const r of read.entry.recipients) (r.address = share(r.address)), (r.delayReason = intern(r.delayReason));
      out.push(read);
    }
    else {
      const queueId = slice.ids[i]!;
      const diagnostics = n[p + 6]!;
      const subject = n[p + 10]!;
      const deferSig = n[p + 17]!;
      const rcpts = n[p + 18]!;
      const createTime = n[p + 19]!;
      let client: ClientAttributes | null = null;
      let at = p + FIXED;
      if (n[p + 20] === 1) {
        const c: Record<string, string | null> = {};
        for (const key of CLIENT_ATTRIBUTE_KEYS) {
          const k = n[at++]!;
          c[key] = k === NONE ? null : strings[k]!;
        }
        client = c as unknown as ClientAttributes;
      }
      const recipients: ListedRecipient[] = new Array<ListedRecipient>(rcpts);
      for (let k = 0; k < rcpts; k++, at += 2) {
        recipients[k] = { address: text(n[at]!), delayReason: reason(n[at + 1]!) };
      }
      const entry: QueueEntry = {
        queueName: slice.queueName,
        queueId,
        path: `${slice.dir}/${queueId}`,
        arrivalTime: int(n[p]!),
        messageSize: int(n[p + 1]!),
        forcedExpire: n[p + 2] === 1,
        sender: text(n[p + 3]!),
        recipients,
        listed: n[p + 4] === 1,
        state: strings[n[p + 5]!] as EntryState,
        diagnostics: diagnostics === NONE ? NO_DIAGNOSTICS : (objects[o++] as Diagnostic[]),
        mtime: int(n[p + 7]!),
        fileSize: int(n[p + 8]!),
        mode: int(n[p + 9]!),
        subject: subject === NONE ? null : text(subject),
        createTime: Number.isNaN(createTime) ? null : int(createTime),
        client,
        // The inode is the signature's (read-entry.ts sets entry.inode = stats.ino).
        inode: int(n[p + 11]!),
      };
      const sig = { ino: int(n[p + 11]!), size: int(n[p + 12]!), mode: int(n[p + 13]!), mtimeMs: n[p + 14]!, ctimeMs: n[p + 15]! };
      out.push({ entry, sig, deferRead: n[p + 16] === 1, deferSig: Number.isNaN(deferSig) ? null : deferSig });
      p = at;
    }
  }
  return out;
}
