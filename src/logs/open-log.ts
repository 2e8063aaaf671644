/**
 * Opening a log file the careful way: O_NOFOLLOW (a symlink planted at the log's path is not
 * followed), O_NONBLOCK (a FIFO planted there does not hang the open), then fstat on the
 * open descriptor: only a regular file is read. Until the shared safe-open module of
 * src/watch/ exists, this is the one place logs/ opens files.
 *
 * Throws LogAccessError with a sentence a user can act on (permission denied names the
 * usual group); never returns a descriptor for anything but a regular file.
 */
import { constants, promises as fsp } from 'node:fs';

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
    handle = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw new LogAccessError(path, describeOpenError(error as NodeJS.ErrnoException));
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new LogAccessError(path, 'is not a regular file');
  }
  return { handle, size: stat.size, mtimeMs: stat.mtimeMs };
}
