/**
 * `postq --pick`: the console as a picker. The marked ids are printed on stdout, one a line,
 * when the console is left with `q` (`postq --pick | postsuper -d -`); nothing is printed
 * after a signal or with no marks, so an aborted pick never feeds a pipe. With stdout a pipe,
 * the console draws on the controlling terminal (/dev/tty), else on stderr if that is one.
 */
import { openSync } from 'node:fs';
import { WriteStream } from 'node:tty';

/** A terminal to draw on while stdout is not one, or null. */
export function drawingTerminal(stderr: NodeJS.WriteStream = process.stderr): NodeJS.WriteStream | null {
  try {
    const stream = new WriteStream(openSync('/dev/tty', 'w')) as WriteStream & { _refreshSize?: () => void };
    // Node refreshes the size (and emits 'resize') only for process.stdout/stderr on SIGWINCH.
    process.on('SIGWINCH', () => stream._refreshSize?.());
    return stream as unknown as NodeJS.WriteStream;
  } catch {
    return stderr.isTTY ? stderr : null;
  }
}

/** The picked ids as printed: one a line. */
export function formatPicked(ids: readonly string[]): string {
  return ids.map((id) => `${id}\n`).join('');
}
