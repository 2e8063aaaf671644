/**
 * Mounting the console on a terminal: Ink with incremental rendering and a modest frame rate,
 * the alternate screen entered once and left on every exit path (quit, SIGINT, SIGTERM,
 * SIGHUP when the ssh session drops, an uncaught error, process exit), the cursor shown again.
 * Resolves with an exit code: 0 after `q`, 128+N after a signal. An uncaught error restores
 * the terminal, prints the error and exits 70 (a bug, per the house's error tiers).
 */
import React from 'react';
import { render } from 'ink';
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
  maxFps?: number;
  /** Install SIGINT/SIGTERM/SIGHUP/uncaughtException handlers (off in component tests). */
  handleSignals?: boolean;
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
    const instance = render(<App {...options.app} />, {
      stdout: anchorFrames(stdout).stream,
      stdin: options.stdin,
      stderr: options.stderr,
      incrementalRendering: true,
      maxFps: options.maxFps ?? 20,
      exitOnCtrlC: false,
      patchConsole: true,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const handlers: Array<[string, (...args: any[]) => void]> = [];
    const finish = () => {
      for (const [event, handler] of handlers) process.off(event, handler);
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
