/**
 * Find a queue file by id the way `postcat -q` does (the hashed path in maildrop, incoming,
 * active, deferred, hold, then saved; postq also looks in corrupt/ last) and read its bytes:
 * whole when small, else in windows (openMessage() for `cat`, readMessageForPane()), so a 2 GB
 * message costs a window and a page of memory, never its size.
 *
 * Contract: returns null when no queue holds the id (files move while we look, so the search
 * runs twice, as postcat's does). Permission problems throw SpoolAccessError.
 */
import { closeSync, type Stats } from 'node:fs';
import type { QueueEntry } from '../domain/entry.js';
import { POSTCAT_QUEUES } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { describeRefusal, openInSpool, readWindow } from './safe-file.js';

/** A message larger than this is not read whole (a V8 string holds about 512 MB). */
export const MESSAGE_READ_MAX = 256 * 1024 * 1024;
/** The pane reads a message up to this size whole; a larger one in windows (windowed()). */
export const PANE_WHOLE_MAX = 8 * 1024 * 1024;
/** The first window of a message read in windows (the record reader asks for the rest). */
const FIRST_WINDOW = 256 * 1024;

/** A name that is no regular file (or lies behind a symlinked directory): never opened, said so. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
}

export interface FoundMessage {
  /** Relative to the queue directory, e.g. `deferred/D/D976E1604F1`. */
  path: string;
  /** The whole file, or its first window when `fetch` is set. */
  bytes: Buffer;
  /** The file's size (more than bytes.length when read in windows). */
  size?: number;
  /** Read at least `length` bytes at `offset` (fewer at the end; none once the file is gone). */
  fetch?(offset: number, length: number): Buffer;
  /** The file's device and inode (a later window is read only from this same file). */
  identity?: { dev: number; ino: number };
}

/** A message open for `cat`: read in windows through the descriptor, closed by the caller. */
export interface OpenMessage {
  path: string;
  size: number;
  first: Buffer;
  fetch(offset: number, length: number): Buffer;
  close(): void;
}

const SEARCH_ORDER = [...POSTCAT_QUEUES, 'corrupt'];

/** Strict (safe-file.ts): proven to lie at `rel` inside the spool after the open; null when gone. */
function tryOpen(config: SpoolConfig, rel: string): { fd: number; stats: Stats } | null {
  const opened = openInSpool(config.queueDirectory, rel, { strict: true });
  if ('gone' in opened) return null;
  if ('refused' in opened) {
    if (opened.refused.kind === 'directory' && opened.refused.rel === rel) return null;
    throw new NotRegularFileError(`${rel}: ${describeRefusal(opened.refused, rel)}`);
  }
  return opened;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const into = Buffer.allocUnsafe(length);
  return into.subarray(0, readWindow(fd, into, offset, length));
}

function tryRead(config: SpoolConfig, rel: string): Buffer | null {
  const opened = tryOpen(config, rel);
  if (!opened) return null;
  try {
    const size = opened.stats.size;
    if (size > MESSAGE_READ_MAX) throw new NotRegularFileError(`${rel}: ${size} bytes, too large to read whole (at most ${MESSAGE_READ_MAX})`);
    const bytes = Buffer.allocUnsafe(size);
    return bytes.subarray(0, readWindow(opened.fd, bytes, 0, size));
  } finally {
    closeSync(opened.fd);
  }
}

/** The first of `rels` that is open-able (each search runs twice: files move while we look). */
function openFirst(config: SpoolConfig, rels: string[]): { rel: string; fd: number; stats: Stats } | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    for (const rel of rels) {
      const opened = tryOpen(config, rel);
      if (opened) return { rel, ...opened };
    }
  }
  return null;
}

const searchPaths = (config: SpoolConfig, queueId: string) => SEARCH_ORDER.map((q) => queuePath(config, q, queueId));

/** findMessage() for `cat`, any size: its first window, then windows through the open descriptor. */
export function openMessage(config: SpoolConfig, queueId: string): OpenMessage | null {
  const opened = openFirst(config, searchPaths(config, queueId));
  if (!opened) return null;
  const { fd, stats } = opened;
  return {
    path: opened.rel,
    size: stats.size,
    first: readAt(fd, 0, Math.min(stats.size, FIRST_WINDOW)),
    fetch: (offset, length) => readAt(fd, offset, Math.max(0, Math.min(length, stats.size - offset))),
    close: () => closeSync(fd),
  };
}

/**
 * A message for the pane: whole up to PANE_WHOLE_MAX, else its first window and a `fetch` that
 * opens the file again for each window (safe-file.ts, the same device and inode), so the pane
 * holds no descriptor and no more than a window and a page, whatever the message's size.
 */
export function readMessageForPane(config: SpoolConfig, entry: QueueEntry): FoundMessage | null {
  const opened = openFirst(config, [entry.path, ...searchPaths(config, entry.queueId)]);
  if (!opened) return null;
  const { rel, fd, stats } = opened;
  try {
    if (stats.size <= PANE_WHOLE_MAX) return { path: rel, bytes: readAt(fd, 0, stats.size) };
    const expect = { dev: stats.dev, ino: stats.ino };
    const fetch = (offset: number, length: number): Buffer => {
      const again = openInSpool(config.queueDirectory, rel, { strict: true, expect });
      if (!('fd' in again)) return Buffer.alloc(0);
      try {
        return readAt(again.fd, offset, Math.max(0, Math.min(length, stats.size - offset)));
      } finally {
        closeSync(again.fd);
      }
    };
    return { path: rel, bytes: readAt(fd, 0, FIRST_WINDOW), size: stats.size, fetch };
  } finally {
    closeSync(fd);
  }
}

/**
 * The first `max` bytes of a message, whatever its size (the remote pane sends at most
 * MAX_READ_BYTES: reading a 2 GB message whole to send its start would cost 2 GB, or refuse).
 * `path` (what a listing gave) is tried first, then postcat's search.
 */
export function readMessagePrefix(config: SpoolConfig, queueId: string, path: string | null, max: number): FoundMessage | null {
  const opened = openFirst(config, [...(path === null ? [] : [path]), ...searchPaths(config, queueId)]);
  if (!opened) return null;
  try {
    const { size, dev, ino } = opened.stats;
    return { path: opened.rel, bytes: readAt(opened.fd, 0, Math.min(size, max)), size, identity: { dev, ino } };
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * A later window of a message whose start readMessagePrefix() gave (the remote pane pages
 * through it): `rel` exactly, the same device and inode, at most `max` bytes; null when the
 * file is gone or is another file now (ids and paths are reused).
 */
export function readMessageWindow(config: SpoolConfig, rel: string, offset: number, length: number, identity: { dev: number; ino: number }): FoundMessage | null {
  const opened = openInSpool(config.queueDirectory, rel, { strict: true, expect: identity });
  if ('gone' in opened) return null;
  if ('refused' in opened) throw new NotRegularFileError(`${rel}: ${describeRefusal(opened.refused, rel)}`);
  try {
    const size = opened.stats.size;
    const bytes = readAt(opened.fd, offset, Math.max(0, Math.min(length, size - offset)));
    return { path: rel, bytes, size, identity };
  } finally {
    closeSync(opened.fd);
  }
}

export function findMessage(config: SpoolConfig, queueId: string): FoundMessage | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    for (const queueName of SEARCH_ORDER) {
      const path = queuePath(config, queueName, queueId);
      const bytes = tryRead(config, path);
      if (bytes) return { path, bytes };
    }
  }
  return null;
}

/** The bytes of the file an entry was read from; falls back to a search when it moved. */
export function readMessageBytes(config: SpoolConfig, entry: QueueEntry): FoundMessage | null {
  const bytes = tryRead(config, entry.path);
  return bytes ? { path: entry.path, bytes } : findMessage(config, entry.queueId);
}
