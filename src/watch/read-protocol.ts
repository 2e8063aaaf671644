/**
 * The messages between the main thread and a read worker (read-pool.ts, read-worker.ts).
 * Plain data only: it crosses threads by structured clone.
 *
 * One request is one slice of one directory listing; the reply carries one read per id, in
 * the same order (null where the file vanished or is not a regular file), in read-wire.ts's
 * form; or, for a request with a list format, the text `postq list` prints for it; or, for an
 * `lstat` request, the lstat figures of each file and its defer log. A permission error
 * ends the request with `error`, which the pool turns back into a SpoolAccessError.
 */
import type { SpoolConfig } from '../config/spool-config.js';
import type { QueueName } from '../domain/queue.js';
import type { ListedText, ListFormat } from '../spool/list-format.js';
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
  /** `postq list`: answer with the slice's text (list-format.ts) instead of its reads; its `filter` (text) is applied as the files are read (filtered-read.ts). */
  format?: ListFormat;
  /** A warm start: answer with the lstat figures of each file and its defer log (stat-figures.ts), reading nothing. */
  lstat?: boolean;
}

/** A listing's text buffer coming back to be written into again (ReadPool.release). */
export interface ReleaseRequest {
  release: ArrayBuffer;
}

export interface ReadFailure {
  message: string;
  path: string;
  code: string | undefined;
}

export type ReadReply =
  | { seq: number; wire: WireReads }
  /** `bytes`: the slice's text in UTF-8, transferred (no string in the main thread's heap). */
  | { seq: number; listed: Omit<ListedText, 'text'> & { bytes: Uint8Array } }
  /** `figures`: statSlice()'s numbers for a `lstat` request, transferred. */
  | { seq: number; figures: Float64Array }
  | { seq: number; failure: ReadFailure }
  /** Sent once when the worker has loaded and listens. */
  | { ready: true };
