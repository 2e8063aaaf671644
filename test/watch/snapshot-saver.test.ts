/**
 * The snapshot saved in the background (snapshot-saver.ts): written after the initial index
 * without waiting for stop() (a second start trusts every file from it); stop() then writes nothing (the prompt does not wait); a stop
 * before any background save still saves; a stop during one leaves no temp file and a
 * snapshot that loads. No timing is asserted: the tests wait for the save's count.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { SpoolAccumulator } from './accumulator.js';
import { freshScan } from './spool-fixture.js';

const copies: CorpusCopy[] = [];
afterEach(() => {
  for (const c of copies.splice(0)) c.cleanup();
});

function spool(): { config: SpoolConfig; snap: string } {
  const copy = copyCorpusSpool('basic');
  copies.push(copy);
  return { config: resolveSpoolConfig({ spool: copy.spool }), snap: join(dirname(copy.spool), 'state', 'index.snapshot') };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

const start = async (config: SpoolConfig, snap: string, snapshotSaveDelayMs: number) => {
  const acc = new SpoolAccumulator();
  const watcher = createSpoolWatcher(config, acc.apply, { readWorkers: false, snapshot: { path: snap, version: 'test' }, snapshotSaveDelayMs, snapshotResaveMs: 60_000 });
  await watcher.start();
  return { watcher, acc };
};

test('saved in the background after the index; stop() then writes nothing; the next start trusts every file', async () => {
  const { config, snap } = spool();
  const { watcher } = await start(config, snap, 0);
  await until(() => watcher.stats.snapshotSaves === 1);
  const saved = lstatSync(snap);
  expect(saved.mode & 0o777).toBe(0o600);
  watcher.stop();
  expect(watcher.stats.snapshotSavedAtStop).toBe(false);
  expect(watcher.stats.snapshotSaveError).toBeNull();
  // Not rewritten at stop: the same file.
  expect(lstatSync(snap).ino).toBe(saved.ino);
  expect(readdirSync(dirname(snap))).toEqual(['index.snapshot']);
  // Taken from the background save, every file: nothing read again.
  const second = await start(config, snap, 60_000);
  const shown = second.acc.sorted();
  second.watcher.stop();
  expect(second.watcher.stats.snapshotIgnored).toBeNull();
  expect(second.watcher.stats.snapshotTrusted).toBe(second.watcher.stats.files);
  expect(shown).toEqual(freshScan(config));
});

test('a stop before any background save saves at stop; a stop during one leaves no temp file', async () => {
  const { config, snap } = spool();
  const early = await start(config, snap, 60_000);
  early.watcher.stop();
  expect(early.watcher.stats.snapshotSavedAtStop).toBe(true);
  expect(readdirSync(dirname(snap))).toEqual(['index.snapshot']);
  // Stopped as the background save begins (or before, or after: whichever it is, nothing is half).
  for (let i = 0; i < 3; i++) {
    const { watcher } = await start(config, snap, 0);
    await new Promise((r) => setTimeout(r, i * 5));
    watcher.stop();
    expect(readdirSync(dirname(snap))).toEqual(['index.snapshot']);
  }
  await new Promise((r) => setTimeout(r, 100));
  expect(readdirSync(dirname(snap))).toEqual(['index.snapshot']);
  const again = await start(config, snap, 60_000);
  const shown = again.acc.sorted();
  again.watcher.stop();
  expect(again.watcher.stats.snapshotIgnored).toBeNull();
  expect(shown).toEqual(freshScan(config));
});
