/**
 * Run a `postq` command inside the test's own process (src/cli/main.ts's runMain), for tests
 * about what a command prints, not about starting one. Each spawn of the built CLI is a fresh
 * node (~0.3-0.4 s of CPU on the test machine); most of `npm test`'s CPU went there. Every
 * command keeps at least one real spawn (postq-cli.ts) somewhere in the suite: argv from a
 * shell, the exit status, stdout as a pipe.
 *
 * Contract: the same PostqResult as runPostq. For the call, process.env is exactly `env`
 * (TZ included: Node applies a changed TZ at once), process.stdout and process.stderr writes
 * are captured, and the 'error' listeners the command adds to them are removed afterwards.
 * Calls are serialised (one capture at a time). Not for commands that read stdin, draw a
 * terminal, or exit the process (the console, serve, --watch): spawn those.
 */
import { runMain } from '../../src/cli/main.js';
import type { PostqResult } from './postq-cli.js';

type Write = typeof process.stdout.write;

let queue: Promise<unknown> = Promise.resolve();

/** Replace `stream.write` with one that collects into `chunks`; returns the undo. */
function capture(stream: NodeJS.WriteStream, chunks: Buffer[]): () => void {
  const original = stream.write;
  const listeners = new Set(stream.listeners('error'));
  const write = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk));
    if (done) queueMicrotask(() => done(null));
    return true;
  };
  stream.write = write as Write;
  return () => {
    stream.write = original;
    for (const l of stream.listeners('error')) if (!listeners.has(l)) stream.off('error', l as (...args: unknown[]) => void);
  };
}

/** Make process.env exactly `env`; returns the undo. */
function useEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  const set = (from: NodeJS.ProcessEnv) => {
    for (const key of Object.keys(process.env)) if (!(key in from)) delete process.env[key];
    for (const [key, value] of Object.entries(from)) if (value !== undefined) process.env[key] = value;
  };
  set(env);
  return () => set(saved);
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<PostqResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const restoreEnv = useEnv(env);
  const restoreOut = capture(process.stdout, out);
  const restoreErr = capture(process.stderr, err);
  let status: number;
  try {
    status = await runMain(args);
  } finally {
    restoreErr();
    restoreOut();
    restoreEnv();
  }
  const stdoutBytes = Buffer.concat(out);
  return { status, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes };
}

/** runMain(args) with process.env = env, its output captured (see the header). */
export function postqInProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<PostqResult> {
  const result = queue.then(() => run(args, env));
  queue = result.catch(() => {});
  return result;
}

/** postqInProcess with a few variables added to this process's environment (as runCli). */
export function cliInProcess(args: string[], extraEnv: Record<string, string> = {}): Promise<PostqResult> {
  return postqInProcess(args, { ...process.env, ...extraEnv });
}
