/**
 * `postq --demo [--rate N] [--messages N]`: the console on a temporary spool that a simulated
 * MTA keeps busy (src/demo). Actions go through the direct backend on that spool (and are not
 * written to the user's audit log: nothing real changes). The spool is removed on every way
 * out: q, Ctrl-C, SIGHUP, SIGTERM, an error.
 *
 * Exit codes as the console's: 0 after q, 128+N after a signal, 2 for bad options or no TTY.
 */
import { UsageError } from '../domain/errors.js';
import { createDirectBackend } from '../actions/direct-backend.js';
import { DEFAULT_MESSAGES, DEFAULT_RATE, startDemo, type Demo } from '../demo/run-demo.js';
import { startConsole, terminalProblem } from './console-command.js';

export interface DemoFlags {
  rate?: string | undefined;
  messages?: string | undefined;
  seed?: string | undefined;
  theme?: string | undefined;
  'read-only'?: boolean | undefined;
  'no-alt-screen'?: boolean | undefined;
}

function number(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a number from 0 to ${max}`);
  return n;
}

export interface DemoSettings {
  rate: number;
  messages: number;
  seed: number | undefined;
}

export function parseDemoFlags(flags: DemoFlags): DemoSettings {
  return {
    rate: number('rate', flags.rate, DEFAULT_RATE, 1000),
    messages: Math.floor(number('messages', flags.messages, DEFAULT_MESSAGES, 1_000_000)),
    seed: flags.seed === undefined ? undefined : Math.floor(number('seed', flags.seed, 0, 2 ** 32 - 1)),
  };
}

export async function runDemoCommand(flags: DemoFlags): Promise<number> {
  const settings = parseDemoFlags(flags);
  // Refuse before making anything when there is no terminal to show it on.
  const problem = terminalProblem(process.stdout, process.stdin, process.env);
  if (problem) {
    process.stderr.write(`postq: ${problem}; the demo needs an interactive terminal\n`);
    return 2;
  }
  if (settings.messages >= 5000) process.stderr.write(`postq: writing ${settings.messages} demo messages...\n`);
  let demo: Demo;
  try {
    demo = await startDemo({ rate: settings.rate, messages: settings.messages, ...(settings.seed !== undefined ? { seed: settings.seed } : {}) });
  } catch (error) {
    process.stderr.write(`postq: demo: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    return await startConsole({
      config: demo.config,
      backend: createDirectBackend({ config: demo.config }),
      readOnly: !!flags['read-only'],
      theme: flags.theme ?? null,
      altScreen: !flags['no-alt-screen'],
      warmStart: false,
    });
  } finally {
    demo.remove();
  }
}
