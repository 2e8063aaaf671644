/**
 * Read one queue file (and its defer log) from disk into a QueueEntry, the way showq would:
 * lstat, a regular file, open read-only without a lock, read a prefix (the whole file when the
 * envelope needs it), parse, join the defer log.
 *
 * Contract: returns null when the file is gone or not a regular file (files move and vanish
 * while Postfix runs; that is normal). Permission errors throw a SpoolAccessError.
 */
import { closeSync, fstatSync, lstatSync, openSync, readSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, QueueEntry } from '../domain/entry.js';
import { describeSpoolError } from '../domain/errors.js';
import type { QueueName } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { parseBounceLog, type LogEntry } from '../spool/defer-log.js';
import { parseQueueFile } from '../spool/queue-file.js';
import { buildEntry } from '../spool/showq.js';

/** Most queue files are a few KiB; one read of this size gets the whole envelope. */
const PREFIX_BYTES = 64 * 1024;
const prefix = Buffer.allocUnsafe(PREFIX_BYTES);

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function rethrow(path: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') throw describeSpoolError(path, error as NodeJS.ErrnoException);
  throw error;
}

/** Read a file's first bytes (or all of it); null when it vanished. */
function readHead(absPath: string, limit: number): { bytes: Buffer; stats: Stats } | null {
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch (error) {
    if (isGone(error)) return null;
    rethrow(absPath, error);
  }
  try {
    const stats = fstatSync(fd);
    if (limit >= stats.size || limit > PREFIX_BYTES) {
      return { bytes: readFileSync(fd), stats };
    }
    const n = readSync(fd, prefix, 0, PREFIX_BYTES, 0);
    return { bytes: Buffer.from(prefix.subarray(0, n)), stats };
  } finally {
    closeSync(fd);
  }
}

/** The defer log for an id, or an empty list when there is none. */
export function readDeferLog(config: SpoolConfig, queueId: string): LogEntry[] {
  const path = join(config.queueDirectory, queuePath(config, 'defer', queueId));
  try {
    return parseBounceLog(readFileSync(path), 'defer');
  } catch (error) {
    if (isGone(error)) return [];
    rethrow(path, error);
  }
}

export function readEntry(config: SpoolConfig, queueName: QueueName, relPath: string, queueId: string): QueueEntry | null {
  const absPath = join(config.queueDirectory, relPath);
  let lstats: Stats;
  try {
    lstats = lstatSync(absPath);
  } catch (error) {
    if (isGone(error)) return null;
    rethrow(absPath, error);
  }
  if (!lstats.isFile()) return null;
  let head = readHead(absPath, PREFIX_BYTES);
  if (!head) return null;
  const options = { queueName, fileSize: head.stats.size, emptyAddress: config.emptyAddress };
  let parsed = parseQueueFile(head.bytes, options);
  if (parsed.needMore) {
    head = readHead(absPath, Number.MAX_SAFE_INTEGER);
    if (!head) return null;
    parsed = parseQueueFile(head.bytes, { ...options, fileSize: head.bytes.length });
  }
  const extra: Diagnostic[] = [];
  const expected = queuePath(config, queueName, queueId);
  if (queueName !== 'maildrop' && queueName !== 'corrupt' && expected !== relPath) {
    extra.push({ offset: 0, recordType: null, problem: `not at its hashed path ${expected}: Postfix does not see it` });
  }
  const deferLog = parsed.sender !== null && queueName !== 'corrupt' ? readDeferLog(config, queueId) : [];
  const entry = buildEntry(
    {
      queueName,
      queueId,
      path: relPath,
      mode: head.stats.mode,
      mtime: Math.floor(head.stats.mtimeMs / 1000),
      fileSize: head.stats.size,
    },
    parsed,
    deferLog,
    { duplicateFilterLimit: config.duplicateFilterLimit, extraDiagnostics: extra },
  );
  // showq only finds a file at the path it computes from the id.
  if (extra.length > 0 && entry.listed) return { ...entry, listed: false, state: 'unlisted' };
  return entry;
}
