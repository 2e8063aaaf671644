/**
 * Run the built CLI (`node dist/cli.js`) the way a user does, for integration tests.
 *
 * Contract: runPostq(args, env) returns status/stdout/stderr and never throws on the exit
 * status. `npm test` builds first; when a test file is run alone (`npx vitest run FILE`) and
 * dist/ is missing or older than src/, ensureBuilt() rebuilds it once, under a lock dir so
 * parallel workers do not run tsc over each other.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './corpus.js';
import { waitFor } from './wait-for.js';

export const CLI_PATH = join(REPO_ROOT, 'dist', 'cli.js');

export interface PostqResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout as written, for checks on raw bytes (escape sequences). */
  stdoutBytes: Buffer;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let built = false;

/** Build dist/ when it is missing or older than src/ (a no-op after `npm run build`). */
export async function ensureBuilt(): Promise<void> {
  if (built) return;
  const stale = () => !existsSync(CLI_PATH) || statSync(CLI_PATH).mtimeMs < newestMtime(join(REPO_ROOT, 'src'));
  if (stale()) {
    const lock = join(REPO_ROOT, 'node_modules', '.postq-build.lock');
    await waitFor(() => {
      try {
        mkdirSync(lock);
        return true;
      } catch {
        // Another worker builds; a lock older than two minutes is a leftover of a killed run.
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
        return false;
      }
    }, { timeoutMs: 180_000, intervalMs: 250, what: 'the build lock' });
    try {
      if (stale()) {
        const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
        if (!existsSync(CLI_PATH)) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
      }
    } finally {
      rmdirSync(lock);
    }
  }
  built = true;
}

export function runPostq(args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): PostqResult {
  const r = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd: REPO_ROOT,
    env,
    input,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
}

/** runPostq with a few variables added to this process's environment. */
export function runCli(args: string[], extraEnv: Record<string, string> = {}): PostqResult {
  return runPostq(args, { ...process.env, ...extraEnv });
}
