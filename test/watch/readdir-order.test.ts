/**
 * postq lists a queue in showq's order: each directory in readdir order (mail_scan_dir_next),
 * descending into a hash directory where readdir meets it. `ls -f` (no sorting) is the
 * oracle for readdir order. Node's readdirSync sorts the names (libuv's scandir), which put
 * `postq list` in another order than mailq's on a real spool; files are created here in a
 * shuffled order so that readdir order and sorted order differ.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { isQueueIdName } from '../../src/domain/queue-id.js';
import { scanOrderSlices } from '../../src/watch/scan-order.js';
import { listQueueFiles } from '../../src/watch/scan.js';

const spool = mkdtempSync(join(tmpdir(), 'postq-readdir-order-'));
afterAll(() => rmSync(spool, { recursive: true, force: true }));

/** A queue id made from `n` (11 upper-case hex digits), in an order unrelated to n's. */
const idOf = (n: number) => ((n * 2654435761) % 0xfffffffffff).toString(16).toUpperCase().padStart(11, '0');

function makeFiles(dir: string, first: number, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let n = first; n < first + count; n++) writeFileSync(join(dir, idOf(n)), '');
}

/** The directory's names as readdir gives them (`ls -f`: unsorted, with . and ..). */
function readdirOrder(dir: string): string[] {
  const ls = spawnSync('ls', ['-f', '-1', dir], { encoding: 'utf8' });
  expect(ls.status).toBe(0);
  return ls.stdout.split('\n').filter((name) => name !== '' && name !== '.' && name !== '..');
}

/** showq's walk of one queue, from `ls -f` alone. */
function showqOrder(rel: string, descend: boolean): string[] {
  const ids: string[] = [];
  for (const name of readdirOrder(join(spool, rel))) {
    if (name.length === 1 && descend) ids.push(...showqOrder(`${rel}/${name}`, true));
    else if (isQueueIdName(name)) ids.push(name);
  }
  return ids;
}

makeFiles(join(spool, 'active'), 0, 80);
for (const [i, hash] of ['C', '3', 'A', '0'].entries()) makeFiles(join(spool, 'deferred', hash), 100 + i * 30, 30);
makeFiles(join(spool, 'maildrop'), 300, 40);
const config = resolveSpoolConfig({ spool });

test.each([
  ['active', true],
  ['deferred', true],
  ['maildrop', false],
] as const)('%s: listed in readdir order, as showq walks it', (queueName, descend) => {
  const expected = showqOrder(queueName, descend);
  // The case can fail: readdir order here is not sorted order.
  expect(expected).not.toEqual([...expected].sort());
  const sliced = [...scanOrderSlices(config, [queueName], 7)].flatMap((slice) => slice.ids);
  expect(sliced).toEqual(expected);
  expect(listQueueFiles(config, queueName).map((ref) => ref.queueId)).toEqual(expected);
});

/** The directories this process has open (Linux: /proc/self/fd). */
function openDirectories(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  }).filter((target) => target.startsWith(spool));
}

test('a directory is read as its slices are taken, not listed whole first, and closed when the walk ends or is left', () => {
  // active/ holds 80 ids: slices of 7. Before, the whole listing was read and the handle
  // closed before the first slice was handed out.
  const walk = scanOrderSlices(config, ['active'], 7);
  expect(walk.next().value?.ids).toHaveLength(7);
  expect(openDirectories()).toEqual([join(spool, 'active')]);
  walk.return(undefined);
  expect(openDirectories()).toEqual([]);
  // Inside a hash directory, both levels are open; all closed once it is walked through.
  const deferred = scanOrderSlices(config, ['deferred'], 7);
  expect(deferred.next().done).toBe(false);
  expect(openDirectories().sort()).toEqual([join(spool, 'deferred'), join(spool, 'deferred', readdirOrder(join(spool, 'deferred'))[0]!)].sort());
  expect([...deferred].length).toBeGreaterThan(10);
  expect(openDirectories()).toEqual([]);
});
