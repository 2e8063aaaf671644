/**
 * A terminal that hung up (tmux kill-pane, kill-session, an ssh session dropped) must not make
 * Node dump an assertion on the way out. At exit Node restores the terminal modes it saw at
 * start (node.cc ResetStdio: tcsetattr on every stdio fd that was a tty) and asserts that this
 * worked; on a hung-up tty tcsetattr fails with EIO, and every killed pane printed
 * `Assertion failed ... ResetStdio` and a native stack trace. ResetStdio skips a descriptor
 * the program closed, so on exit each stdio fd that is a character device but no longer a tty
 * (isatty() fails with EIO once the tty hung up) is closed first. A live terminal is left
 * alone, so `q`, Ctrl-C and SIGTERM still get their modes restored.
 *
 * Installed by the composition root (src/cli.ts) before anything else loads: a pane killed
 * while the console is still starting hangs up too. Imports no React or Ink. Never throws.
 */
import { closeSync, fstatSync } from 'node:fs';
import { isatty } from 'node:tty';

/** Close the stdio descriptors whose terminal hung up (the 'exit' hook; exported for tests). */
export function closeHungUpStdio(): number[] {
  const closed: number[] = [];
  for (const fd of [0, 1, 2]) {
    try {
      if (!fstatSync(fd).isCharacterDevice() || isatty(fd)) continue;
      closeSync(fd);
      closed.push(fd);
    } catch {
      // Already closed (ResetStdio skips it too), or not ours to judge.
    }
  }
  return closed;
}

let installed = false;

export function forgetLostTerminalOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => void closeHungUpStdio());
}
