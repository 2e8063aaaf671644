/**
 * pid/master.pid is read through the spool's safe opener: as root, a symlink planted there is
 * not followed, and a FIFO does not block the health feed (it called readFileSync, which waits
 * for a writer forever). The FIFO case runs in a child process with a timeout, so code that
 * blocks fails the test instead of hanging the run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { readPostfixStatus } from '../../src/watch/postfix-status.js';
import { REPO_ROOT } from '../helpers/corpus.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function spool(): string {
  dir = mkdtempSync(join(tmpdir(), 'postq-pidfile-'));
  mkdirSync(join(dir, 'pid'));
  return dir;
}

it('a pid file naming a dead process: not running, with the pid', () => {
  const root = spool();
  writeFileSync(join(root, 'pid/master.pid'), '   999999\n');
  expect(readPostfixStatus(root)).toEqual({ running: false, pid: 999999, detail: 'master pid 999999 is gone' });
});

it('a symlink as master.pid is refused, not followed', () => {
  const root = spool();
  // Outside the spool, a file naming a live process (this one): followed, it would be read.
  writeFileSync(join(root, 'outside'), `${process.pid}\n`);
  symlinkSync(join(root, 'outside'), join(root, 'pid/master.pid'));
  expect(readPostfixStatus(root)).toEqual({ running: false, pid: null, detail: 'master.pid not a regular file: symbolic link' });
});

it('a FIFO as master.pid is reported at once, never waited on', () => {
  const root = spool();
  execFileSync('mkfifo', [join(root, 'pid/master.pid')]);
  const module = pathToFileURL(join(REPO_ROOT, 'src/watch/postfix-status.ts')).href;
  const script = `const { readPostfixStatus } = await import(${JSON.stringify(module)}); console.log(JSON.stringify(readPostfixStatus(${JSON.stringify(root)})));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });
  expect(r.signal, 'blocked on the FIFO').toBeNull();
  expect(JSON.parse(r.stdout)).toEqual({ running: false, pid: null, detail: 'master.pid not a regular file: FIFO' });
}, 30_000);
