/**
 * The thresholds file reloaded while the console runs, in one process: a real file, the real
 * directory watcher (src/watch/settled-file.ts via thresholdsReloadFeed, as the console wires it), the store and the App on
 * the fake terminal with the corpus copy (22 deferred, 3 held). A saved file changes the
 * levels at once (--threshold flags still override it) and says so on the flash line; a broken
 * one (bad levels, not JSON, a FIFO put in its place) keeps the levels in force and names the
 * file and key; fixed, it applies again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { thresholdsReloadFeed } from '../../src/cli/thresholds-feed.js';
import { selectLevels } from '../../src/store/thresholds.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole } from './harness.js';

let copy: CorpusCopy;
beforeAll(() => {
  copy = copyCorpusSpool('basic');
  return () => copy.cleanup();
});
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function atomicSave(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

test('a saved file applies at once (flags still win); a broken one keeps the levels and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postq-thresholds-reload-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'levels.json');
  writeFileSync(file, JSON.stringify({ deferred: { count: { warning: 100 } } }));
  const h = await mountConsole(copy.spool, { columns: 120, rows: 24 });
  cleanups.push(() => h.unmount());
  const level = (q: 'deferred' | 'hold') => selectLevels(h.store.getState())[q].level;
  // hold.count by flag: it overrides whatever the file says about hold's count.
  const watcher = thresholdsReloadFeed(h.store, { file, flags: ['hold.count=:3'], env: { HOME: dir } }, { stabilityMs: 50 });
  expect(watcher).not.toBeNull();
  cleanups.push(() => watcher!.stop());
  await watcher!.ready;
  expect(level('deferred')).toBe('ok');

  atomicSave(file, JSON.stringify({ deferred: { count: { warning: 10, critical: 20 } }, hold: { count: { warning: 100 } } }));
  await waitForCondition(() => h.screen().includes('thresholds reloaded from levels.json'), 'the reload on the flash line', 10_000);
  expect(level('deferred')).toBe('critical');
  expect(level('hold')).toBe('critical');
  expect(h.store.getState().flash?.level).toBe('ok');
  const applied = h.store.getState().thresholds;

  writeFileSync(file, JSON.stringify({ deferred: { count: { warning: 10, critical: 5 } } }));
  await waitForCondition(() => h.screen().includes('critical (5) is below warning (10)'), 'the refusal on the flash line', 10_000);
  expect(h.screen()).toContain('thresholds levels.json: deferred.count: critical (5) is below warning (10); the previous ones stay');
  expect(h.store.getState().flash?.level).toBe('error');
  expect(h.store.getState().thresholds).toBe(applied);
  expect(level('deferred')).toBe('critical');

  writeFileSync(file, '{ "deferred": ');
  await waitForCondition(() => h.screen().includes('thresholds levels.json: not valid JSON; the previous ones stay'), 'not JSON', 10_000);
  expect(h.store.getState().thresholds).toBe(applied);

  // A FIFO renamed over the file: refused at once, never waited on.
  expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
  renameSync(join(dir, 'fifo'), file);
  await waitForCondition(() => h.screen().includes('thresholds levels.json: cannot read thresholds: not a regular file'), 'the FIFO refused', 10_000);
  expect(h.store.getState().thresholds).toBe(applied);

  atomicSave(file, JSON.stringify({ deferred: { count: { warning: 30 } } }));
  await waitForCondition(() => h.screen().includes('thresholds reloaded from levels.json'), 'applied again', 10_000);
  expect(level('deferred')).toBe('ok');
  expect(level('hold')).toBe('critical');
});
