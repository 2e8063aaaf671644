/**
 * The messages between the main thread and a read worker (read-pool.ts, read-worker.ts).
 * Plain data only: it crosses threads by structured clone.
 *
 * One request is one slice of one directory listing; the reply carries one read per id, in
 * the same order (null where the file vanished or is not a regular file), in read-wire.ts's form. A permission error
 * ends the request with `error`, which the pool turns back into a SpoolAccessError.
 */
import type { SpoolConfig } from '../config/spool-config.js';
import type { QueueName } from '../domain/queue.js';
import type { WireReads } from './read-wire.js';

/** workerData of a read worker. */
export interface ReadWorkerData {
  config: SpoolConfig;
}

export interface ReadRequest {
  seq: number;
  queueName: QueueName;
  /** The directory, relative to the queue directory (`deferred/A`). */
  dir: string;
  ids: string[];
  /** readEntryWithStats's deferReadAfter: the index's start. */
  deferReadAfter: number;
}

export interface ReadFailure {
  message: string;
  path: string;
  code: string | undefined;
}

export type ReadReply =
  | { seq: number; wire: WireReads }
  | { seq: number; failure: ReadFailure }
  /** Sent once when the worker has loaded and listens. */
  | { ready: true };
