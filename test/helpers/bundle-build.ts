/**
 * The single-file bundle (`npm run bundle`, scripts/bundle.mjs) built once per test run, for
 * every test that runs it (test/demo/bundle.test.ts, test/remote/install-remote.test.ts).
 *
 * Why: each of those files built its own, ~7 s of CPU a build (brotli at quality 11 over the
 * packed parts is most of it), the same file from the same sources twice a run.
 *
 * Contract: builtBundle() resolves with the path of a bundle built from the working tree's
 * src/ during this run; callers only read and run it (copy it to change it). It rejects with
 * the build's output if the build failed. test/setup/bundle-dir.ts reserves a directory for the
 * run (POSTQ_TEST_BUNDLE_DIR) and removes it at the end; the first worker that asks builds there
 * under a lock (mkdir), the others wait for the file (the build writes it under another name
 * and renames it, so a waiter never sees half a file). Without the variable (a helper used
 * outside vitest) the process builds its own and removes it on exit.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './corpus.js';
import { removeOnExit } from './remove-on-exit.js';
import { waitFor } from './wait-for.js';

export const BUNDLE_DIR_ENV = 'POSTQ_TEST_BUNDLE_DIR';

let own: string | null = null;
let pending: Promise<string> | null = null;

function runDir(): string {
  const dir = process.env[BUNDLE_DIR_ENV];
  if (dir && existsSync(dir)) return dir;
  if (!own) {
    own = mkdtempSync(join(tmpdir(), 'postq-test-bundle-'));
    removeOnExit(own);
  }
  return own;
}

async function build(dir: string): Promise<string> {
  const file = join(dir, 'postq.mjs');
  const failed = join(dir, 'failed.txt');
  let mine = false;
  try {
    mkdirSync(join(dir, 'lock'));
    mine = true;
  } catch {
    // Another worker builds (or has built) it.
  }
  if (mine && !existsSync(file)) {
    const partial = join(dir, 'postq.mjs.partial');
    const error = await new Promise<string | null>((resolve) => {
      execFile(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle.mjs'), '--outfile', partial], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve(err ? `scripts/bundle.mjs failed (${err.message}):\n${stdout}${stderr}` : null),
      );
    });
    if (error) {
      writeFileSync(failed, error);
      throw new Error(error);
    }
    renameSync(partial, file);
  }
  // waitFor retries a probe that throws: a failed build is an answer, thrown after the wait.
  const done = await waitFor(() => (existsSync(failed) ? { failed: readFileSync(failed, 'utf8') } : existsSync(file) && { file }), {
    timeoutMs: 300_000,
    intervalMs: 200,
    what: 'the shared bundle build (test/helpers/bundle-build.ts)',
  });
  if ('failed' in done) throw new Error(done.failed);
  return done.file;
}

/** The path of this run's bundle, built on first use. */
export function builtBundle(): Promise<string> {
  pending ??= build(runDir());
  return pending;
}
