/**
 * Find a queue file by id the way `postcat -q` does (the hashed path in maildrop, incoming,
 * active, deferred, hold, then saved; postq also looks in corrupt/ last) and read its bytes.
 *
 * Contract: returns null when no queue holds the id (files move while we look, so the search
 * runs twice, as postcat's does). Permission problems throw SpoolAccessError.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueEntry } from '../domain/entry.js';
import { describeSpoolError } from '../domain/errors.js';
import { POSTCAT_QUEUES } from '../domain/queue.js';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';

export interface FoundMessage {
  /** Relative to the queue directory, e.g. `deferred/D/D976E1604F1`. */
  path: string;
  bytes: Buffer;
}

const SEARCH_ORDER = [...POSTCAT_QUEUES, 'corrupt'];

function tryRead(config: SpoolConfig, rel: string): Buffer | null {
  const abs = join(config.queueDirectory, rel);
  try {
    return readFileSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw describeSpoolError(abs, error as NodeJS.ErrnoException);
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
