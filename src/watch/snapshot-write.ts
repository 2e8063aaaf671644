/**
 * Writing the warm-start snapshot (index-snapshot.ts has its format and its loader): whole, to
 * a new file beside it (O_EXCL|O_NOFOLLOW, 0600, in a 0700 directory of this user), fsync'd,
 * then renamed over the old one: a reader sees the old snapshot or the new one, never half of
 * one. saveSnapshot() does it at once (a stop before any background save); saveSnapshotAsync()
 * in steps while the console runs (snapshot-saver.ts).
 *
 * Contract: nothing throws; each returns null when written, else why not ('abandoned' when
 * its `abandoned()` turned true: then its temp file is gone and the old snapshot is as it was).
 */
import { closeSync, constants, fsync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { HEADER_BYTES, MAGIC, SNAPSHOT_MAX_BYTES, type SnapshotPayload } from './index-snapshot.js';

/** Write the snapshot atomically, 0600; null when written, else why not. */
export function saveSnapshot(path: string, payload: SnapshotPayload): string | null {
  const prepared = prepareSave(path, payload);
  if (typeof prepared === 'string') return prepared;
  const tmp = `${path}.${process.pid}.tmp`;
  removeTemp(tmp);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    let crc = 0;
    for (const part of prepared.parts) crc = crc32(part, crc);
    writeAll(fd, headerWith(crc));
    for (const part of prepared.parts) writeAll(fd, part);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path); // safe: our O_EXCL|O_NOFOLLOW file, within the checked state directory
    return null;
  } catch (error) {
    if (fd !== null) closeSync(fd);
    removeTemp(tmp);
    return `cannot write ${path}: ${(error as Error).message}`;
  }
}

function headerWith(crc: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeUInt32BE(crc, MAGIC.length);
  return header;
}

/** The temp file of a save in the background (beside the snapshot, this process's). */
export function backgroundTempPath(path: string): string {
  return `${path}.${process.pid}.bg.tmp`;
}

/** Remove a temp file of ours (unlink removes a link, never its target); quiet when none. */
export function removeTemp(tmp: string): void {
  try {
    unlinkSync(tmp); // safe: the state directory (checked in prepareSave: ours, not group/other-writable), not the spool
  } catch {
    // None: the usual case.
  }
}

/** Bytes written per step of a background save (a few ms of the main thread each). */
const WRITE_STEP_BYTES = 1 << 20;

/**
 * saveSnapshot for a running console: the temp file is created and written synchronously (so
 * that a stop at any point between steps finds it and removes it), a step of WRITE_STEP_BYTES
 * at a time with `pause()` between, and fsync'd on libuv's threads. The rename happens only
 * after the whole file is written and fsync'd, and only while `abandoned()` is false: a stopped
 * console leaves the old snapshot, never half of a new one (the magic and checksum would refuse
 * one anyway).
 */
export async function saveSnapshotAsync(path: string, payload: SnapshotPayload, abandoned: () => boolean, pause: () => Promise<void>): Promise<string | null> {
  const prepared = prepareSave(path, payload);
  if (typeof prepared === 'string') return prepared;
  const tmp = backgroundTempPath(path);
  removeTemp(tmp);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    // The checksum is known at the end: written over the header's last 4 bytes then.
    writeAll(fd, headerWith(0));
    let crc = 0;
    for (const part of prepared.parts) {
      for (let off = 0; off < part.length; off += WRITE_STEP_BYTES) {
        const step = part.subarray(off, off + WRITE_STEP_BYTES);
        crc = crc32(step, crc);
        writeAll(fd, step);
        await pause();
        if (abandoned()) throw new Error('abandoned');
      }
    }
    const crcBytes = headerWith(crc).subarray(MAGIC.length);
    if (writeSync(fd, crcBytes, 0, crcBytes.length, MAGIC.length) !== crcBytes.length) throw new Error('short write');
    const synced = fd;
    await new Promise<void>((resolve, reject) => fsync(synced, (error) => (error ? reject(error) : resolve())));
    closeSync(fd);
    fd = null;
    if (abandoned()) throw new Error('abandoned');
    renameSync(tmp, path); // safe: our O_EXCL|O_NOFOLLOW file, within the checked state directory
    return null;
  } catch (error) {
    if (fd !== null) closeSync(fd);
    removeTemp(tmp);
    return abandoned() ? 'abandoned' : `cannot write ${path}: ${(error as Error).message}`;
  }
}

/** The state directory checked (made 0700 when missing) and the bytes to write, or why not. */
function prepareSave(path: string, payload: SnapshotPayload): { parts: Uint8Array[] } | string {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const dirStats = lstatSync(dir);
    // Another user's directory (or one others may write to) is no place for mail metadata.
    if (!dirStats.isDirectory() || dirStats.uid !== (process.geteuid?.() ?? dirStats.uid) || (dirStats.mode & 0o022) !== 0) {
      return `${dir} is not a directory only this user can write to`;
    }
  } catch (error) {
    return `cannot create ${dir}: ${(error as Error).message}`;
  }
  // The groups' bytes are written as they are, after the rest: no 30 MB serialize in one block.
  const meta = serialize({ ...payload, groups: payload.groups.map((g) => ({ queueName: g.queueName, dir: g.dir, bytes: g.blob.length })) });
  const length = Buffer.alloc(4);
  length.writeUInt32BE(meta.length);
  const parts = [length, meta, ...payload.groups.map((g) => g.blob)];
  // One the next start would not read (index-snapshot.ts) is not worth writing.
  const bytes = parts.reduce((n, part) => n + part.length, HEADER_BYTES);
  return bytes > SNAPSHOT_MAX_BYTES ? `larger than ${SNAPSHOT_MAX_BYTES} bytes (${bytes}): not written` : { parts };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}
