/**
 * watchSettledFile() (src/watch/settled-file.ts) on a real temp file replaced by rename many
 * times in quick succession, with the event loop kept busy between saves as `stats --watch`'s
 * refreshes keep it: a write made after them is still seen. A watch that follows the file's
 * inode (chokidar's) went deaf here: one save landed while it dropped events and it stayed on a
 * deleted inode, so the last write never came.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { watchSettledFile } from '../../src/watch/settled-file.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'postq-settled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a file saved by rename again and again, the loop busy between saves, still shows the write after them', async () => {
  const path = join(dir, 'levels.json');
  writeFileSync(path, JSON.stringify({ version: 0 }));
  const seen: Array<number | string> = [];
  const watcher = watchSettledFile(path, (p) => (JSON.parse(readFileSync(p, 'utf8')) as { version: number }).version, (r) => seen.push(r.ok ? r.value : 'error'), { stabilityMs: 20 });
  expect(watcher).not.toBeNull();
  try {
    await watcher!.ready;
    for (let version = 1; version <= 60; version++) {
      writeFileSync(`${path}.tmp`, JSON.stringify({ version }));
      renameSync(`${path}.tmp`, path);
      // Let the watcher take the event, then hold the loop a little, as a refresh does.
      await turn();
      if (version % 3 === 0) busy(6);
    }
    await waitFor(() => seen.includes(60), { what: 'the last save', timeoutMs: 10_000, intervalMs: 20, describe: () => JSON.stringify(seen) });
    // In place, after all of them: the one the stats --watch test once never saw.
    writeFileSync(path, JSON.stringify({ version: 61 }));
    await waitFor(() => seen.includes(61), { what: 'the write in place after the saves', timeoutMs: 10_000, intervalMs: 20, describe: () => JSON.stringify(seen) });
    // Settled versions only, in order; no error from a half-seen file.
    expect(seen).not.toContain('error');
    expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(seen);
  } finally {
    await watcher!.stop();
  }
}, 30_000);
