/**
 * Mounting the console on a terminal: Ink with incremental rendering (consoleRenderOptions,
 * also what the bench mounts), the alternate screen entered once and left on every exit path
 * (quit, SIGINT, SIGTERM, SIGHUP when the ssh session drops, an uncaught error, process
 * exit), the cursor shown again. Resolves with an exit code: 0 after `q`, 128+N after a
 * signal. An uncaught error restores the terminal, prints the error and exits 70 (a bug, per
 * the house's error tiers).
 */
import React from 'react';
import { render, type RenderOptions } from 'ink';
import { App, type AppProps } from './app.js';
import { anchorFrames } from './frame-anchor.js';

export const ALT_SCREEN_ON = '\x1b[?1049h';
export const ALT_SCREEN_OFF = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface RenderConsoleOptions {
  app: Omit<AppProps, 'onQuit'>;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  altScreen: boolean;
  /** Install SIGINT/SIGTERM/SIGHUP/uncaughtException handlers (off in component tests). */
  handleSignals?: boolean;
}

/**
 * Ink's frame throttle, in frames per second: high enough that it never holds a key's frame
 * back (its window is ceil(1000 / maxFps) = 4 ms), so it only merges commits that land within
 * a few ms of each other.
 *
 * Why not the moderate 15-20 fps that stack-notes.md and ux-research.md 7.2 suggest: a frame
 * costs CPU and bytes over SSH, so *data* frames must stay rare, and they do, one layer up:
 * watcher batches reach the store only through the batch gate (batch-gate.ts: at most one
 * data frame per 150 ms, none while the user types; overdue changes ride in the frames of
 * keys). The other frames are the user's own keys, one per key at the keyboard's pace (a
 * held key, ~30/s: ~10 KB/s inside the page, ~30 % of a core at 100k), a flash line, a
 * resize, a minute's tick. Ink's throttle has no flush, so with maxFps 20 a key pressed just
 * after another frame waited up to 50 ms for the throttle's trailing edge: keys at auto-repeat
 * pace took 41 ms (p50) even on an empty store, and keys during a burst up to 60 ms and more.
 * (Ink 6.8: window = max(1, ceil(1000 / maxFps)) ms, leading and trailing edge.)
 */
export const CONSOLE_MAX_FPS = 250;

export interface ConsoleStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

/**
 * The options the console renders with, in one place so that the bench (bench/console-bench.ts)
 * measures exactly what `postq` runs: incremental rendering (only changed lines are sent),
 * frames anchored to the frame top (frame-anchor.ts: an Ink 6.8 incremental-render bug),
 * CONSOLE_MAX_FPS, ctrl-c handled by the keymap, stray console output kept out of the frame.
 */
export function consoleRenderOptions(streams: ConsoleStreams): RenderOptions {
  return {
    stdout: anchorFrames(streams.stdout).stream,
    stdin: streams.stdin,
    stderr: streams.stderr,
    incrementalRendering: true,
    maxFps: CONSOLE_MAX_FPS,
    exitOnCtrlC: false,
    patchConsole: true,
  };
}

const SIGNALS: Array<[NodeJS.Signals, number]> = [['SIGHUP', 1], ['SIGINT', 2], ['SIGTERM', 15]];

export interface RunningConsole {
  /** Settles when the console is gone: the exit code, or the error given to fail(). */
  exited: Promise<number>;
  /** Tear the console down (terminal restored) and make `exited` reject with `error`. */
  fail(error: Error): void;
}

const TERMINAL_GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'EBADF']);

function isTerminalGone(error: unknown): boolean {
  return TERMINAL_GONE.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

export function renderConsole(options: RenderConsoleOptions): RunningConsole {
  const { stdout, altScreen } = options;
  let restored = !altScreen;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      stdout.write(ALT_SCREEN_OFF + SHOW_CURSOR);
    } catch {
      // The terminal may be gone (SIGHUP): nothing left to restore.
    }
  };
  if (altScreen) stdout.write(ALT_SCREEN_ON);

  let failWith: (error: Error) => void = () => {};
  const exited = new Promise<number>((resolve, reject) => {
    let code = 0;
    let failure: Error | null = null;
    // Raw mode before the first frame: Ink turns it on in an effect after writing that frame,
    // and a key the tty took in between was cooked (^U erased the line, Enter became LF, the
    // text echoed). A `/` typed at the first frame was lost and the text after it became list
    // keys (`i` the who columns, the digits the queues, an action key its question): seen once
    // in fleet-hostile.test.ts, its keys sent as soon as the first frame showed.
    if (options.stdin.isTTY) options.stdin.setRawMode(true);
    const instance = render(<App {...options.app} />, consoleRenderOptions(options));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const handlers: Array<[string, (...args: any[]) => void]> = [];
    const stdinHandlers: Array<[string, (...args: any[]) => void]> = [];
    const finish = () => {
      for (const [event, handler] of handlers) process.off(event, handler);
      for (const [event, handler] of stdinHandlers) options.stdin.off(event, handler);
      restore();
      if (failure) reject(failure);
      else resolve(code);
    };
    failWith = (error) => {
      failure = error;
      instance.unmount();
    };
    if (options.handleSignals !== false) {
      for (const [signal, number] of SIGNALS) {
        const onSignal = () => {
          code = 128 + number;
          // Decided now: whatever ends the process from here (the exit timer, an exit with no
          // code, a loop that drains during a slow stop) ends it with the signal's status.
          process.exitCode = code;
          instance.unmount();
        };
        handlers.push([signal, onSignal]);
        process.on(signal, onSignal);
      }
      const onCrash = (error: unknown) => {
        try {
          instance.unmount();
        } catch {
          // Already broken; the terminal still gets restored below.
        }
        restore();
        // A write to a terminal that went away (ssh dropped, tmux pane killed) is a hang-up,
        // not a bug: leave as after SIGHUP, without a report nobody can read.
        if (isTerminalGone(error)) process.exit(128 + 1);
        try {
          options.stderr.write(`postq: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        } catch {
          // stderr is the same lost terminal.
        }
        process.exit(70);
      };
      // A terminal can go away without a SIGHUP reaching us (started under setsid or `su -c`,
      // a new session): stdin then ends or fails with EIO. Leave as after a hang-up.
      const onGone = () => {
        code = 128 + 1;
        process.exitCode = code;
        instance.unmount();
      };
      const onStdinError = (error: unknown) => (isTerminalGone(error) ? onGone() : onCrash(error));
      stdinHandlers.push(['end', onGone], ['error', onStdinError]);
      for (const [event, handler] of stdinHandlers) options.stdin.on(event, handler);
      handlers.push(['uncaughtException', onCrash], ['unhandledRejection', onCrash], ['exit', restore]);
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      process.on('exit', restore);
    }
    instance.waitUntilExit().then(finish, (error: unknown) => {
      restore();
      options.stderr.write(`postq: ${(error as Error).message}\n`);
      code = 70;
      finish();
    });
  });
  return { exited, fail: (error) => failWith(error) };
}
