/**
 * Opening a log file the careful way, as src/watch/safe-file.ts opens spool files (whose
 * fileKind() words it shares): lstat first, and anything but a regular file is refused
 * without being opened (a device's open can have effects of its own); then O_NOFOLLOW (a
 * symlink planted at the path since is not followed) and O_NONBLOCK (nor does a FIFO hang the
 * open), and fstat must show the same device and inode the lstat saw. The one place logs/
 * opens files. (safe-file's openInSpool checks paths below the queue directory; a log lives
 * elsewhere, so only its per-file steps apply.)
 *
 * Throws LogAccessError with a sentence a user can act on (permission denied names the
 * usual group); never returns a descriptor for anything but a regular file.
 */
import { constants, promises as fsp } from 'node:fs';
import { fileKind } from '../watch/safe-file.js';

export class LogAccessError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'LogAccessError';
  }
}

export function describeOpenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (mail logs are usually readable by root and group adm)';
    case 'ENOENT':
      return 'no such file';
    case 'ELOOP':
      return 'is a symbolic link (not followed)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return error.message;
  }
}

export async function openLogFile(path: string): Promise<{ handle: fsp.FileHandle; size: number; mtimeMs: number }> {
  let handle: fsp.FileHandle;
  try {
    const before = await fsp.lstat(path);
    if (!before.isFile()) throw new LogAccessError(path, before.isSymbolicLink() ? 'is a symbolic link (not followed)' : `is a ${fileKind(before.mode)}, not a regular file (not opened)`);
    handle = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.ino !== before.ino || stat.dev !== before.dev) {
      await handle.close();
      throw new LogAccessError(path, 'was replaced while being opened (not read)');
    }
    return { handle, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (error instanceof LogAccessError) throw error;
    throw new LogAccessError(path, describeOpenError(error as NodeJS.ErrnoException));
  }
}
