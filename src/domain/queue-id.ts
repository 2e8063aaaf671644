/**
 * Queue-id syntax and the hashed path Postfix computes from an id (mail_queue.c, file_id.c).
 * Pure: no I/O. Nothing here throws.
 */

const QUEUE_ID_NAME = /^[A-Za-z0-9_]{1,255}$/;
const LONG_ID_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz';

/**
 * Postfix's mail_queue_id_ok(): the names a queue file may have. One-character names are
 * hash subdirectories to scanners, so they never name a message here.
 */
export function isQueueIdName(name: string): boolean {
  return name.length > 1 && QUEUE_ID_NAME.test(name);
}

const SHORT_GENERATED = /^[0-9A-F]{6,21}$/;
const LONG_GENERATED = /^[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}z[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]+$/;

/**
 * Could Postfix have generated this name (file_id.c)? Stricter than isQueueIdName: used to
 * tell a file still being written from a stray README or core file that showq skips anyway.
 */
export function looksGenerated(name: string): boolean {
  return SHORT_GENERATED.test(name) || LONG_GENERATED.test(name);
}

/** An id is long when its last `z` has at least 10 characters before it (mail_queue.h). */
export function isLongQueueId(id: string): boolean {
  return id.lastIndexOf('z') >= 10;
}

/** Strip mailq's status markers (`*`, `!`, `#`) that users paste along with an id. */
export function stripQueueIdMarkers(id: string): string {
  return id.replace(/[*!#]+$/, '');
}

/**
 * The hash key whose first `depth` characters name the subdirectories. Short ids use the id
 * itself; long ids use the decoded microseconds as %05X (mail_queue.c mail_queue_dir).
 */
export function hashKey(id: string): string {
  if (!isLongQueueId(id)) return id;
  const z = id.lastIndexOf('z');
  let usec = 0;
  for (const ch of id.slice(z - 4, z)) {
    const digit = LONG_ID_ALPHABET.indexOf(ch);
    if (digit < 0) return id;
    usec = usec * 52 + digit;
  }
  return usec.toString(16).toUpperCase().padStart(5, '0');
}

/** The subdirectories for an id at a given depth; `_` pads a key shorter than the depth. */
export function hashDirs(id: string, depth: number): string[] {
  const key = hashKey(id);
  const dirs: string[] = [];
  for (let i = 0; i < depth; i++) dirs.push(key[i] ?? '_');
  return dirs;
}
