/**
 * Reading the spool writes nothing to it, not even atimes. A deferred file's mtime is its next
 * retry, in the future, so under relatime every read of one used to update its atime (an inode
 * written per message per index). As root (the test runs as root, as in CI) files are opened
 * with O_NOATIME; a user who is neither root nor the files' owner is refused that flag (EPERM),
 * and then reads without it: run for real as `nobody` over files root owns.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterEach, expect, test } from 'vitest';
import { QUEUE_NAMES } from '../../src/domain/queue.js';
import { openMessage } from '../../src/watch/read-message.js';
import { scanQueues } from '../../src/watch/scan.js';
import { hashedPath, makeSkeletonSpool, newQueueId, TEMPLATE_DEFER_LOG, writeQueueFile, type TempSpool } from './spool-fixture.js';

const NOBODY = 65534;
/** An atime long past, and a retry time an hour ahead: relatime would update the atime at any read. */
const LONG_AGO = new Date('2001-02-03T04:05:06Z');
const AHEAD = new Date(Date.now() + 3_600_000);
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function deferredSpool(): { spool: TempSpool; id: string; files: string[] } {
  const spool = makeSkeletonSpool();
  cleanups.push(spool.cleanup);
  const id = newQueueId();
  writeQueueFile(spool.root, hashedPath('deferred', id));
  writeQueueFile(spool.root, hashedPath('defer', id), TEMPLATE_DEFER_LOG);
  const files = [hashedPath('deferred', id), hashedPath('defer', id)].map((rel) => join(spool.root, rel));
  for (const file of files) utimesSync(file, LONG_AGO, AHEAD);
  return { spool, id, files };
}

test('an index and a cat leave the atimes of a deferred file and its defer log as they were', () => {
  expect(process.getuid?.()).toBe(0);
  const { spool, id, files } = deferredSpool();
  const entries = scanQueues(spool.config, QUEUE_NAMES);
  expect(entries.map((e) => [e.queueId, e.recipients.length > 0])).toEqual([[id, true]]);
  const message = openMessage(spool.config, id);
  expect(message?.first.length).toBeGreaterThan(0);
  message?.close();
  for (const file of files) expect(statSync(file).atimeMs, file).toBe(LONG_AGO.getTime());
});

test('a user who may not use O_NOATIME still reads the spool (files root owns, readable by all)', () => {
  const { spool, id } = deferredSpool();
  const work = mkdtempSync(join(tmpdir(), 'postq-noatime-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  // The spool readable by all, owned by root: nobody may read it, but not with O_NOATIME.
  for (const dir of [join(spool.root, '..'), spool.root, ...['deferred', 'deferred/' + id[0], 'defer', 'defer/' + id[0], 'maildrop', 'incoming', 'active', 'hold', 'corrupt'].map((d) => join(spool.root, d))]) chmodSync(dir, 0o755);
  for (const rel of [hashedPath('deferred', id), hashedPath('defer', id)]) chmodSync(join(spool.root, rel), 0o744);
  const bundle = join(work, 'child.mjs');
  const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };
  buildSync({ entryPoints: [fileURLToPath(new URL('./no-atime-child.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error', banner });
  chmodSync(work, 0o755);
  chmodSync(bundle, 0o644);
  const r = spawnSync(process.execPath, [bundle, spool.root], { uid: NOBODY, gid: NOBODY, cwd: work, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { uid: number; entries?: Array<{ queueId: string; recipients: number }>; error?: string };
  expect(out.uid).toBe(NOBODY);
  expect(out.error).toBeUndefined();
  expect(out.entries?.map((e) => e.queueId)).toEqual([id]);
  expect(out.entries?.[0]?.recipients).toBeGreaterThan(0);
});
