/**
 * Read one queue file (and its defer log) from disk into a QueueEntry, the way showq would:
 * opened through safe-file.ts (lstat, O_NOFOLLOW|O_NONBLOCK, fstat compare) read-only without a
 * lock, read a prefix and then only the windows the envelope needs, parse, join the defer log.
 *
 * Contract: returns null when the file is gone (files move and vanish while Postfix runs; that
 * is normal). A name that is not a regular file reached through real directories is an entry
 * that says so ("not a regular file: FIFO"), unlisted, never opened. Permission errors throw a
 * SpoolAccessError.
 * readEntryWithStats() is the same read, also returning the signatures of what it read (the
 * watcher compares them later to tell what changed) at no extra system call; with a `probe`
 * (the command line's --filter, filtered-read.ts) it first shows the probe the bytes it read,
 * and returns null without parsing when the probe says the file is not wanted.
 */
import { closeSync, type Stats } from 'node:fs';
import type { Diagnostic, QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import { smallInt } from '../domain/small-int.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { parseDeferReasons, type LoggedReason } from '../spool/defer-log.js';
import { parseQueueFile } from '../spool/queue-file.js';
import { buildEntry } from '../spool/showq.js';
import { deferSigOf, sigOf, type FileSig } from './file-sig.js';
import { describeRefusal, openInSpool, readWindow, type OpenOptions, type Refusal } from './safe-file.js';
import { DirTypes } from './dir-types.js';

/** Most queue files are a few KiB; one read of this size gets the whole envelope. */
const PREFIX_BYTES = 64 * 1024;
/**
 * A defer log is read whole up to this size (about 200,000 recipients' reasons); a larger one
 * is read this far. A log is no message: its size is bounded by what postq is willing to hold.
 */
const DEFER_LOG_MAX = 64 * 1024 * 1024;
/** Files larger than this get a buffer of their own rather than growing a scratch buffer. */
const SCRATCH_MAX = 1024 * 1024;

/**
 * A reusable read buffer. The parsers turn bytes into strings and keep no Buffer, and each read
 * is parsed before the next one, so reusing one buffer per kind of file (queue file, defer
 * log) saves ~1.4 GB of short-lived allocations per 100k messages, and the peak RSS they cause.
 */
class Scratch {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  get(length: number): Buffer {
    if (length > SCRATCH_MAX) return Buffer.allocUnsafe(length);
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(length)));
    return this.buffer;
  }
}
const queueScratch = new Scratch();
const deferScratch = new Scratch();
/**
 * The bulk reads (`bulk`: the initial index, the warm start's reads and `postq list`) open
 * files their directory listing shows regular without an lstat first (dir-types.ts), one
 * listing cache for queue files and one for defer logs (each looks for runs in one
 * directory); a watcher's single reads keep the lstat.
 */
const BULK_QUEUE: OpenOptions = { listed: new DirTypes() };
const BULK_DEFER: OpenOptions = { listed: new DirTypes() };
const SINGLE: OpenOptions = {};

/**
 * The defer log and its signature (null when there is none, or it is not a regular file reached
 * through real directories: a FIFO or /dev/zero planted as a log is never opened).
 * `bulk`: see BULK_QUEUE. The safe open has the stats, so the signature is the fstat's.
 */
function readDeferLogWithSig(config: SpoolConfig, queueId: string, bulk: boolean): { log: LoggedReason[]; sig: number | null } {
  const opened = openInSpool(config.queueDirectory, queuePath(config, 'defer', queueId), bulk ? BULK_DEFER : SINGLE);
  if (!('fd' in opened)) return { log: [], sig: null };
  try {
    const length = Math.min(opened.stats.size, DEFER_LOG_MAX);
    const bytes = deferScratch.get(length);
    const got = readWindow(opened.fd, bytes, 0, length);
    return { log: parseDeferReasons(bytes.subarray(0, got)), sig: deferSigOf(opened.stats) };
  } finally {
    closeSync(opened.fd);
  }
}

export function readEntry(config: SpoolConfig, queueName: QueueName, relPath: string, queueId: string): QueueEntry | null {
  return readEntryWithStats(config, queueName, relPath, queueId)?.entry ?? null;
}

/** Plain data (numbers, strings): it crosses from a read worker to the main thread as is. */
export interface EntryRead {
  entry: QueueEntry;
  /** The queue file's signature as read (its fstat). */
  sig: FileSig;
  /** Whether the defer log was looked for (not for corrupt/ or a file without a sender). */
  deferRead: boolean;
  /** Its defer log's signature (deferSigOf: its ctime); null when there is none or it was not read. */
  deferSig: number | null;
}

/**
 * Shown a queue file's first bytes while it is open (the whole file when it fits the first
 * read; `fetch` reads on): false skips the file, which then reads as gone.
 */
export type ReadProbe = (file: { head: Buffer; fileSize: number; fetch: (offset: number, length: number) => Buffer }) => boolean;

/**
 * `bulk`: one of many reads in listing order (BULK_QUEUE, BULK_DEFER). Either way the defer log
 * is fstat'ed by the safe open and its signature is its ctime.
 */
export function readEntryWithStats(config: SpoolConfig, queueName: QueueName, relPath: string, queueId: string, bulk = false, probe?: ReadProbe): EntryRead | null {
  const opened = openInSpool(config.queueDirectory, relPath, bulk ? BULK_QUEUE : SINGLE);
  if ('gone' in opened) return null;
  if ('refused' in opened) return refusedRead(queueName, relPath, queueId, opened.refused);
  let parsed;
  const stats = opened.stats;
  try {
    const fd = opened.fd;
    const head = queueScratch.get(Math.min(stats.size, PREFIX_BYTES));
    const got = readWindow(fd, head, 0, Math.min(stats.size, PREFIX_BYTES));
    // Past the first window the parser asks for the windows it needs (the envelope, the
    // extracted segment): a 5 GiB message costs its envelope, not its size.
    const fetch = (offset: number, length: number): Buffer => {
      const window = Buffer.allocUnsafe(Math.max(0, Math.min(length, stats.size - offset)));
      return window.subarray(0, readWindow(fd, window, offset, window.length));
    };
    if (probe && !probe({ head: head.subarray(0, got), fileSize: stats.size, fetch })) return null;
    parsed = parseQueueFile(head.subarray(0, got), { queueName, fileSize: stats.size, emptyAddress: config.emptyAddress, fetch });
  } finally {
    closeSync(opened.fd);
  }
  const extra: Diagnostic[] = [];
  const expected = queuePath(config, queueName, queueId);
  if (queueName !== 'maildrop' && queueName !== 'corrupt' && expected !== relPath) {
    extra.push({ offset: 0, recordType: null, problem: `not at its hashed path ${expected}: Postfix does not see it` });
  }
  const deferRead = parsed.sender !== null && queueName !== 'corrupt';
  const defer = deferRead ? readDeferLogWithSig(config, queueId, bulk) : { log: [], sig: null };
  const deferLog = defer.log;
  const entry = buildEntry(
    {
      queueName,
      queueId,
      path: relPath,
      mode: stats.mode,
      mtime: Math.floor(stats.mtimeMs / 1000),
      fileSize: stats.size,
    },
    parsed,
    deferLog,
    { duplicateFilterLimit: config.duplicateFilterLimit, extraDiagnostics: extra },
  );
  // Set on the fresh object before anyone sees it: actions compare it to tell a reused id.
  entry.inode = smallInt(stats.ino);
  // showq only finds a file at the path it computes from the id.
  const shown: QueueEntry = extra.length > 0 && entry.listed ? { ...entry, listed: false, state: 'unlisted' } : entry;
  return { entry: shown, sig: sigOf(stats), deferRead, deferSig: defer.sig };
}

/**
 * A name in a queue that is no regular file (FIFO, socket, device, symlink, or reached through a
 * symlinked directory): shown, never opened. showq does not list it either.
 */
function refusedRead(queueName: QueueName, relPath: string, queueId: string, refusal: Refusal): EntryRead {
  const stats: Pick<Stats, 'ino' | 'size' | 'mode' | 'mtimeMs' | 'ctimeMs'> = refusal.stats ?? { ino: 0, size: 0, mode: 0, mtimeMs: 0, ctimeMs: 0 };
  const entry: QueueEntry = {
    queueName,
    queueId,
    path: relPath,
    arrivalTime: Math.floor(stats.mtimeMs / 1000),
    messageSize: 0,
    forcedExpire: false,
    sender: '',
    recipients: [],
    listed: false,
    state: 'unlisted',
    diagnostics: [{ offset: 0, recordType: null, problem: describeRefusal(refusal, relPath) }],
    mtime: Math.floor(stats.mtimeMs / 1000),
    fileSize: 0,
    mode: stats.mode,
    subject: null,
    inode: stats.ino,
  };
  return { entry, sig: { ino: stats.ino, size: stats.size, mode: stats.mode, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs }, deferRead: false, deferSig: null };
}
