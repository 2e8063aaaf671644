/**
 * Find a queue file by id the way `postcat -q` does (the hashed path in maildrop, incoming,
 * active, deferred, hold, then saved; postq also looks in corrupt/ last) and read its bytes.
 *
 * Contract: returns null when no queue holds the id (files move while we look, so the search
 * runs twice, as postcat's does). Permission problems throw SpoolAccessError.
 */
import { closeSync } from 'node:fs';
import type { QueueEntry } from '../domain/entry.js';
import { POSTCAT_QUEUES } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { describeRefusal, openInSpool, readWindow } from './safe-file.js';

/** A message larger than this is not read whole (a V8 string holds about 512 MB). */
export const MESSAGE_READ_MAX = 256 * 1024 * 1024;

/** A name that is no regular file (or lies behind a symlinked directory): never opened, said so. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
}

export interface FoundMessage {
  /** Relative to the queue directory, e.g. `deferred/D/D976E1604F1`. */
  path: string;
  bytes: Buffer;
}

const SEARCH_ORDER = [...POSTCAT_QUEUES, 'corrupt'];

/** Strict (safe-file.ts): proven to lie at `rel` inside the spool after the open. */
function tryRead(config: SpoolConfig, rel: string): Buffer | null {
  const opened = openInSpool(config.queueDirectory, rel, { strict: true });
  if ('gone' in opened) return null;
  if ('refused' in opened) {
    if (opened.refused.kind === 'directory' && opened.refused.rel === rel) return null;
    throw new NotRegularFileError(`${rel}: ${describeRefusal(opened.refused, rel)}`);
  }
  try {
    const size = opened.stats.size;
    if (size > MESSAGE_READ_MAX) throw new NotRegularFileError(`${rel}: ${size} bytes, too large to read whole (at most ${MESSAGE_READ_MAX})`);
    const bytes = Buffer.allocUnsafe(size);
    return bytes.subarray(0, readWindow(opened.fd, bytes, 0, size));
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
