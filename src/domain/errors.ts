/**
 * Environment errors: the spool or a tool is not usable. Typed so the CLI and the store can
 * say what is wrong and exit (or flash) with the right code. Bad data never throws; bugs do.
 */

/** The spool cannot be read: missing, not a directory, or permission denied. CLI exit 3. */
export class SpoolAccessError extends Error {
  override readonly name = 'SpoolAccessError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** A command-line usage problem. CLI exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Explain an fs error on the spool in words an admin can act on. */
export function describeSpoolError(path: string, error: NodeJS.ErrnoException): SpoolAccessError {
  const code = error.code;
  let why: string;
  if (code === 'EACCES' || code === 'EPERM') {
    why = `permission denied reading ${path}: the queue is readable by root and the postfix user only; run postq as root (sudo) or as postfix`;
  } else if (code === 'ENOENT') {
    why = `${path} does not exist: is this the Postfix queue_directory? (give --spool DIR or -c CONFIG_DIR)`;
  } else if (code === 'ENOTDIR') {
    why = `${path} is not a directory`;
  } else {
    why = `cannot read ${path}: ${error.message}`;
  }
  return new SpoolAccessError(why, path, code);
}
