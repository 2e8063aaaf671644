/**
 * The one place actions start processes: an argv array (never a shell), text on stdin, a
 * timeout, stdout/stderr captured. Behind an interface so unit tests can pass a fake runner
 * that records each call and fails on unexpected or missing ones.
 *
 * Contract: run() never rejects. A program that cannot be started comes back with spawnError
 * set (ENOENT = not installed / not in PATH); a timeout kills the child (SIGKILL) and comes
 * back with timedOut = true and whatever it had written so far.
 */
import { spawn } from 'node:child_process';

export interface RunRequest {
  file: string;
  args: readonly string[];
  /** Written to the child's stdin, which is then closed. */
  stdin: string;
  timeoutMs: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  spawnError: NodeJS.ErrnoException | null;
}

export interface ProcessRunner {
  run(request: RunRequest): Promise<RunResult>;
}

/** The real runner: child_process.spawn with shell: false. */
export function createSpawnRunner(env: NodeJS.ProcessEnv = process.env): ProcessRunner {
  return {
    run(request) {
      return new Promise((resolve) => {
        const child = spawn(request.file, [...request.args], { shell: false, env, stdio: ['pipe', 'pipe', 'pipe'] });
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let timedOut = false;
        let spawnError: NodeJS.ErrnoException | null = null;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, request.timeoutMs);
        child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        // EPIPE when the child exits before reading all of stdin: its exit status tells why.
        child.stdin.on('error', () => {});
        child.on('error', (error: NodeJS.ErrnoException) => {
          spawnError = error;
        });
        child.on('close', (exitCode, signal) => {
          clearTimeout(timer);
          resolve({
            exitCode,
            signal,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
            timedOut,
            spawnError,
          });
        });
        child.stdin.end(request.stdin);
      });
    },
  };
}
