/**
 * The warm-start snapshot (exipick's --freeze idea): the watcher's index saved while it runs, so the
 * next start on the same spool needs the listing and an lstat per file instead of a read per
 * file. The snapshot is only a hint: snapshot-trust.ts takes an entry from it only when the
 * file's (and its defer log's) device, inode, size, mode, mtime and ctime still match.
 *
 * File: `$POSTQ_SNAPSHOT`, else `$XDG_STATE_HOME/postq/index-<sha of the spool path>.snapshot`
 * (default ~/.local/state/postq/; POSTQ_SNAPSHOT=off turns snapshots off). Mode 0600 in a 0700
 * directory: it holds senders, recipients and subjects. Written by snapshot-write.ts (a new file,
 * fsync'd, renamed over the old one) when snapshot-saver.ts says.
 *
 * Contract: loadSnapshot() never throws and never hands back a snapshot that is not ours: not
 * a regular file (a symlink is not followed), another owner, a mode other than 0600, larger
 * than SNAPSHOT_MAX_BYTES (not read at all), a bad magic, checksum or shape, another format or
 * postq version, another spool (path, device or inode of the queue directory) or another
 * layout (hash settings, empty address) all give `{ snapshot: null, ignored: why }`.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import type { RowsData } from './snapshot-rows.js';
import { readWindowAsync } from './safe-file.js';

/**
 * Bumped whenever the payload's shape changes. 2: the groups' bytes follow the serialized
 * rest instead of inside it (a save serialized 30 MB in one block of up to a second). 3: the
 * groups in the snapshot's own compact rows (snapshot-rows.ts), decoded a file at a time.
 */
export const SNAPSHOT_FORMAT = 3;
export const MAGIC = Buffer.from('postq-index-snapshot\n', 'latin1');
/**
 * magic, then crc32 of the body (4 bytes, big-endian); the body: the length of the
 * v8-serialized payload without its groups' bytes (4 bytes, big-endian), that payload (each
 * group with its byte count), then each group's bytes in order.
 */
export const HEADER_BYTES = MAGIC.length + 4;
/**
 * The largest snapshot read (and written): it is read whole into memory, so a file of any size
 * at the snapshot's path must not be. Room for SNAPSHOT_MAX_MESSAGES at SNAPSHOT_BYTES_PER_MESSAGE
 * (format 3 takes about 160 bytes per message at 100k: a sender, a recipient, a subject, the
 * figures of the file and its defer log); a larger spool starts cold, as without a snapshot.
 */
export const SNAPSHOT_MAX_MESSAGES = 2_000_000;
export const SNAPSHOT_BYTES_PER_MESSAGE = 256;
export const SNAPSHOT_MAX_BYTES = SNAPSHOT_MAX_MESSAGES * SNAPSHOT_BYTES_PER_MESSAGE;

/** What the snapshot is about: everything that must be equal for its entries to mean anything. */
export interface SnapshotIdentity {
  format: number;
  /** postq's version: another version may parse the same bytes differently. */
  version: string;
  queueDirectory: string;
  /** The queue directory's device and inode (a spool replaced under the same path is another spool). */
  spoolDev: number;
  spoolIno: number;
  /** The layout settings the entries depend on (hashed paths, the empty sender's name, ...). */
  layout: string;
}

/** The files of one directory, in the snapshot's rows (snapshot-rows.ts). */
export interface SnapshotGroup extends RowsData {
  queueName: QueueName;
  dir: string;
}

/**
 * A group as stored: serialized on its own, so that a start decodes one directory at a time
 * between its lstats (time-sliced) instead of the whole spool's entries in one block.
 */
export interface StoredGroup {
  queueName: QueueName;
  dir: string;
  blob: Uint8Array;
}

export interface SnapshotPayload extends SnapshotIdentity {
  savedAt: number;
  groups: StoredGroup[];
}

export function storeGroup(queueName: QueueName, dir: string, rows: RowsData): StoredGroup {
  return { queueName, dir, blob: serialize(rows) };
}

/** A stored group decoded, or null when its bytes do not decode to the expected shape. */
export function loadGroup(stored: StoredGroup): SnapshotGroup | null {
  let g: RowsData;
  try {
    g = deserialize(stored.blob) as RowsData;
  } catch {
    return null;
  }
  const ok = typeof g === 'object' && g !== null && typeof g.dev === 'number' && Array.isArray(g.ids) && Array.isArray(g.strings) && Array.isArray(g.objects) &&
    g.u32 instanceof Uint32Array && g.f64 instanceof Float64Array && g.ids.every((id) => typeof id === 'string') && g.strings.every((s) => typeof s === 'string');
  // Built field by field, not spread from the decoded object: each decoded object's hidden
  // class comes from a transition a collection may clear once the groups before it are gone,
  // and a group of a new class threw away the code optimized for the last (readAt, check,
  // locate, ... compiled again group after group: `node --trace-deopt`, "wrong map").
  return ok ? { dev: g.dev, ids: g.ids, strings: g.strings, objects: g.objects, u32: g.u32, f64: g.f64, queueName: stored.queueName, dir: stored.dir } : null;
}

export type SnapshotLoad = { snapshot: SnapshotPayload; ignored: null } | { snapshot: null; ignored: string };

/** The snapshot file for a spool, or null when snapshots are off. */
export function snapshotPath(queueDirectory: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.POSTQ_SNAPSHOT;
  if (given === 'off' || given === '0') return null;
  if (given) return given;
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  const key = createHash('sha256').update(queueDirectory).digest('hex').slice(0, 16);
  return join(stateHome, 'postq', `index-${key}.snapshot`);
}

/**
 * About how many files the snapshot at `path` holds, from its size alone (0 when there is none):
 * a hint for starting the read workers early (initial-index.ts expectedFiles), nothing is
 * trusted on it. A message takes about 170 bytes at 100k, rarely more than
 * SNAPSHOT_BYTES_PER_MESSAGE.
 */
export function snapshotFilesHint(path: string): number {
  try {
    const stats = lstatSync(path, { throwIfNoEntry: false }); // safe: postq's own state file, not a spool path; only its size is used, as a hint
    return stats?.isFile() ? Math.floor(stats.size / SNAPSHOT_BYTES_PER_MESSAGE) : 0;
  } catch {
    return 0;
  }
}

/** The identity a snapshot of this spool must carry, or null when the spool cannot be stat'ed. */
export function snapshotIdentity(config: SpoolConfig, version: string): SnapshotIdentity | null {
  let stats;
  try {
    stats = statSync(config.queueDirectory);
  } catch {
    return null;
  }
  const layout = JSON.stringify([config.hashQueueNames, config.hashQueueDepth, config.emptyAddress, config.duplicateFilterLimit, config.longQueueIds]);
  return { format: SNAPSHOT_FORMAT, version, queueDirectory: config.queueDirectory, spoolDev: stats.dev, spoolIno: stats.ino, layout };
}

function sameIdentity(a: SnapshotIdentity, b: SnapshotIdentity): string | null {
  if (a.format !== b.format) return `format ${a.format}, not ${b.format}`;
  if (a.version !== b.version) return `written by postq ${a.version}`;
  if (a.queueDirectory !== b.queueDirectory || a.spoolDev !== b.spoolDev || a.spoolIno !== b.spoolIno) return 'of another spool';
  if (a.layout !== b.layout) return 'of another queue layout';
  return null;
}

/**
 * Check and read the snapshot file. Its bytes are read on libuv's threads, so a start lists the
 * spool meanwhile: the header and the groups' table first, then every group at once, each into a
 * buffer of its own (freed once its directory is decoded); the checksum and decoding follow on
 * the caller's thread. The file was read whole into one buffer and each group copied out of it:
 * 17 MB more at 100k, and about 50 ms of the main thread's time copying into fresh pages.
 */
export async function loadSnapshot(path: string, expected: SnapshotIdentity): Promise<SnapshotLoad> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { snapshot: null, ignored: code === 'ENOENT' ? 'none yet' : code === 'ELOOP' ? 'a symbolic link' : `cannot open: ${code}` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { snapshot: null, ignored: 'not a regular file' };
    if (stats.uid !== (process.geteuid?.() ?? stats.uid)) return { snapshot: null, ignored: `owned by uid ${stats.uid}` };
    if ((stats.mode & 0o777) !== 0o600) return { snapshot: null, ignored: `mode ${(stats.mode & 0o777).toString(8)}, not 600` };
    if (stats.size > SNAPSHOT_MAX_BYTES) return { snapshot: null, ignored: `larger than ${SNAPSHOT_MAX_BYTES} bytes` };
    return await readSnapshot(fd, stats.size, expected);
  } catch (error) {
    return { snapshot: null, ignored: `unreadable: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/** The groups' table as stored (the payload without the groups' bytes). */
type StoredMeta = Omit<SnapshotPayload, 'groups'> & { groups: Array<Omit<StoredGroup, 'blob'> & { bytes: number }> };

/** Bytes read first: the header, the table's length and (usually) the whole table (~1.2 KB at 100k). */
const FIRST_READ = 4096;

async function readSnapshot(fd: number, size: number, expected: SnapshotIdentity): Promise<SnapshotLoad> {
  const first = Buffer.allocUnsafe(Math.min(size, FIRST_READ));
  const got = await readWindowAsync(fd, first, 0, first.length);
  if (got < HEADER_BYTES || !first.subarray(0, MAGIC.length).equals(MAGIC)) return { snapshot: null, ignored: 'not a postq snapshot' };
  const corrupt = (why: string): SnapshotLoad => ({ snapshot: null, ignored: `corrupt (${why})` });
  const tableAt = HEADER_BYTES + 4;
  if (got < tableAt) return corrupt('checksum');
  const metaBytes = first.readUInt32BE(HEADER_BYTES);
  if (tableAt + metaBytes > size) return corrupt('checksum');
  let table = first.subarray(tableAt, Math.min(got, tableAt + metaBytes));
  if (table.length < metaBytes) {
    table = Buffer.allocUnsafe(metaBytes);
    if ((await readWindowAsync(fd, table, tableAt, metaBytes)) !== metaBytes) return corrupt('checksum');
  }
  let meta: StoredMeta;
  try {
    meta = deserialize(table) as StoredMeta;
  } catch {
    return corrupt('cannot decode');
  }
  if (typeof meta !== 'object' || meta === null || !Array.isArray(meta.groups)) return corrupt('shape');
  let at = tableAt + metaBytes;
  const places: Array<{ at: number; bytes: number }> = [];
  for (const g of meta.groups) {
    if (typeof g !== 'object' || g === null || !Number.isInteger(g.bytes) || g.bytes < 0 || at + g.bytes > size) return corrupt('shape');
    places.push({ at, bytes: g.bytes });
    at += g.bytes;
  }
  if (at !== size) return corrupt('shape');
  const blobs = await Promise.all(places.map(async (place) => {
    const blob = Buffer.allocUnsafeSlow(place.bytes);
    return (await readWindowAsync(fd, blob, place.at, place.bytes)) === place.bytes ? blob : null;
  }));
  // The checksum covers everything after the header, in the file's order.
  let crc = crc32(first.subarray(HEADER_BYTES, tableAt));
  crc = crc32(table, crc);
  for (const blob of blobs) crc = blob ? crc32(blob, crc) : crc;
  if (blobs.includes(null) || crc !== first.readUInt32BE(MAGIC.length)) return corrupt('checksum');
  const payload: SnapshotPayload = { ...meta, groups: meta.groups.map((g, i) => ({ queueName: g.queueName, dir: g.dir, blob: blobs[i]! })) };
  if (!wellFormed(payload)) return corrupt('shape');
  const why = sameIdentity(payload, expected);
  return why ? { snapshot: null, ignored: why } : { snapshot: payload, ignored: null };
}

function wellFormed(p: SnapshotPayload): boolean {
  if (typeof p !== 'object' || p === null || !Array.isArray(p.groups)) return false;
  return p.groups.every((g) => typeof g === 'object' && g !== null && typeof g.queueName === 'string' && typeof g.dir === 'string' && g.blob instanceof Uint8Array);
}
