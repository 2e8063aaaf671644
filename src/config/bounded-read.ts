/**
 * A small config file's text from an open descriptor: a regular file (by fstat, after the open,
 * so a swap between a check and the open cannot slip through) of at most `maxBytes`, read to
 * what fstat said. Throws BoundedReadError with `reason` in words; the caller names the file and
 * never quotes its content (a path may be a symlink to anything).
 */
import { fstatSync, readSync } from 'node:fs';

export class BoundedReadError extends Error {
  override readonly name = 'BoundedReadError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function readBoundedText(fd: number, maxBytes: number): string {
  const st = fstatSync(fd);
  if (!st.isFile()) throw new BoundedReadError('not a regular file');
  if (st.size > maxBytes) throw new BoundedReadError(`larger than ${maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MB` : `${maxBytes / 1024} KiB`}`);
  const buf = Buffer.alloc(st.size);
  let at = 0;
  while (at < buf.length) {
    const n = readSync(fd, buf, at, buf.length - at, at);
    if (n === 0) break;
    at += n;
  }
  return buf.subarray(0, at).toString('utf8');
}
