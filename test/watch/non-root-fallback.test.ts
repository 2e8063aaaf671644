/**
 * A non-root user whose spool is unreadable (Postfix's queues are 0700 postfix): on a Postfix
 * host the watcher falls back to polling `postqueue -j` read-only and says why; elsewhere it
 * fails with one message that says to run as root. Run for real as `nobody` (setuid child;
 * the test runs as root, as in CI). The system Postfix is not running here, so postqueue
 * itself reports "mail system is down" - the status must then say that too.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeSkeletonSpool, type TempSpool } from './spool-fixture.js';

const NOBODY = 65534;
let dir: string;
let bundle: string;
let spool: TempSpool;

beforeAll(() => {
  expect(process.getuid?.()).toBe(0);
  dir = mkdtempSync(join(tmpdir(), 'postq-fallback-'));
  chmodSync(dir, 0o755);
  bundle = join(dir, 'child.mjs');
  // A require() for the CommonJS dependencies (libmime's iconv-lite), as scripts/bundle.mjs does.
  const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };
  buildSync({ entryPoints: [fileURLToPath(new URL('./fallback-child.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error', banner });
  chmodSync(bundle, 0o644);
  spool = makeSkeletonSpool(); // under a 0700 temp dir: nobody gets EACCES
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  spool?.cleanup();
});

function runAsNobody(fromPostconf: boolean) {
  const r = spawnSync(process.execPath, [bundle, spool.root, fromPostconf ? 'yes' : 'no'], { uid: NOBODY, gid: NOBODY, cwd: dir, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { uid: number; status: { mode: string; message: string; readOnly?: string }; error: string | null; batches: number[] };
}

test('on a Postfix host: polling postqueue -j, read-only, with the reason shown', () => {
  const out = runAsNobody(true);
  expect(out.uid).toBe(NOBODY);
  expect(out.error).toBeNull();
  expect(out.status.mode).toBe('polling');
  expect(out.status.message).toMatch(/^permission denied reading .*Showing `postqueue -j` instead, read-only/);
  // The console turns this into [RO: postqueue -j] with no action keys (test/ui/watch-status-view.test.tsx).
  expect(out.status.readOnly).toMatch(/^postqueue -j: /);
  // Either postqueue answered (a batch) or its own failure is added to the message; never silence.
  if (out.batches.length === 0) expect(out.status.message).toMatch(/But postqueue -j failed: .*mail system is down/);
});

test('without Postfix: start() fails with one message saying to run as root', () => {
  const out = runAsNobody(false);
  expect(out.error).toMatch(/^SpoolAccessError: permission denied reading .*run postq as root/);
  expect(out.status).toEqual({ mode: 'failed', message: expect.stringMatching(/^permission denied/) });
});
