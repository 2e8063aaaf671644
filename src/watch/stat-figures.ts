/**
 * The lstat figures a warm start compares with its snapshot (snapshot-trust.ts), for a slice of
 * listed files and their defer logs, as flat numbers: a read worker takes these lstats off the
 * main thread (200,000 at 100k messages, half of a warm start) and sends them back in one
 * transferred Float64Array; the main thread uses the same function when it has no worker, so
 * there is one way to take them.
 *
 * Contract: STAT_WIDTH numbers per id, in the slice's order: the queue file's (FOUND or
 * MISSING, then dev, ino, size, mode, mtimeMs, ctimeMs) and its defer log's (the same seven,
 * or NOT_LOOKED when `withLog` is false or the queue file is missing). Any lstat error (gone, permission, a
 * symlinked directory on the way) is MISSING: the caller then does not trust the snapshot for
 * that file and reads it, which reports errors as a cold start does. Nothing here throws.
 */
import { lstatSync } from 'node:fs';
import { queuePath, type SpoolConfig } from '../config/spool-config.js';
import { inSpool } from './safe-file.js';

/** Numbers per file: seven for the queue file, seven for its defer log. */
export const STAT_WIDTH = 14;
/** Offset of the defer log's figures within a file's. */
export const LOG_AT = 7;
export const MISSING = 0;
export const FOUND = 1;
/** A defer log not looked at: it proves neither presence nor absence. */
export const NOT_LOOKED = 2;

/** Write one lstat's figures at `at`: FOUND, dev, ino, size, mode, mtimeMs, ctimeMs, or MISSING. */
function put(abs: string, out: Float64Array, at: number): void {
  let stats;
  try {
    // safe: lstat only (no open, no follow); the path is a listed name or queuePath() under the spool.
    stats = lstatSync(abs, { throwIfNoEntry: false });
  } catch {
    stats = undefined;
  }
  if (stats === undefined) {
    out[at] = MISSING;
    return;
  }
  out[at] = FOUND;
  out[at + 1] = stats.dev;
  out[at + 2] = stats.ino;
  out[at + 3] = stats.size;
  out[at + 4] = stats.mode;
  out[at + 5] = stats.mtimeMs;
  out[at + 6] = stats.ctimeMs;
}

/** The figures of one file (`rel`) and, with `withLog`, of its defer log, written at `at`. */
export function statFileInto(config: SpoolConfig, rel: string, queueId: string, withLog: boolean, out: Float64Array, at: number): void {
  const root = config.queueDirectory;
  put(inSpool(root, rel), out, at);
  if (withLog && out[at] === FOUND) put(inSpool(root, queuePath(config, 'defer', queueId)), out, at + LOG_AT);
  else out[at + LOG_AT] = NOT_LOOKED;
}

/** The figures of every id of a directory slice (`dir/id`). corrupt/ has no defer logs: not looked at. */
export function statSlice(config: SpoolConfig, queueName: string, dir: string, ids: readonly string[]): Float64Array {
  const out = new Float64Array(ids.length * STAT_WIDTH);
  const withLog = queueName !== 'corrupt';
  for (let i = 0; i < ids.length; i++) statFileInto(config, `${dir}/${ids[i]}`, ids[i]!, withLog, out, i * STAT_WIDTH);
  return out;
}
