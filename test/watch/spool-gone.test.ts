/**
 * The spool removed while the console runs (`rm -rf` of the queue directory, or of every
 * queue in it): the watcher says the spool is gone (status `gone`, one sentence naming the
 * directory) instead of staying `live` with zeros, and goes back to live when it returns.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import type { WatchStatus } from '../../src/watch/watch-status.js';
import { waitFor } from '../helpers/wait-for.js';
import { SpoolAccumulator } from './accumulator.js';
import { makeSkeletonSpool, newQueueId, writeQueueFile, type TempSpool } from './spool-fixture.js';

let spool: TempSpool | undefined;
let watcher: SpoolWatcher | undefined;
afterEach(() => {
  watcher?.stop();
  spool?.cleanup();
});

/** `sweeps`: a reconcile every 50-200 ms; without, only events and the presence check (every 100 ms here) can tell. */
async function watched(sweeps = true): Promise<{ spool: TempSpool; acc: SpoolAccumulator; statuses: WatchStatus[]; id: string }> {
  spool = makeSkeletonSpool();
  const id = newQueueId();
  writeQueueFile(spool.root, `hold/${id}`);
  const acc = new SpoolAccumulator();
  const statuses: WatchStatus[] = [];
  const reconcile = sweeps ? { reconcileMinMs: 50, reconcileMaxMs: 200 } : { reconcileMinMs: 3_600_000, reconcileMaxMs: 3_600_000 };
  watcher = createSpoolWatcher(spool.config, acc.apply, { ...reconcile, presenceEveryMs: 100, onStatus: (s) => statuses.push(s) });
  await watcher.start();
  expect(watcher.status.mode).toBe('live');
  expect(acc.get(id)).toBeDefined();
  return { spool, acc, statuses, id };
}

const until = (what: string, probe: () => boolean) => waitFor(probe, { what, timeoutMs: 15_000, intervalMs: 10, describe: () => JSON.stringify(watcher?.status) });

describe('the spool removed while watched', () => {
  test('rm -rf of the queue directory: gone, naming it; back to live when it returns', async () => {
    const { spool: s, acc, id } = await watched();
    rmSync(s.root, { recursive: true, force: true });
    await until('status gone', () => watcher!.status.mode === 'gone');
    expect(watcher!.status.message).toBe(`the spool is gone: ${s.root} was removed while postq watched it`);
    await until('the message removed', () => acc.get(id) === undefined);
    mkdirSync(join(s.root, 'hold'), { recursive: true });
    await until('live again', () => watcher!.status.mode === 'live');
    expect(watcher!.status.message).toBeNull();
  });

  test('every queue directory removed (rm -rf spool/*): gone at once, from the events alone', async () => {
    const { spool: s } = await watched(false);
    for (const q of ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt']) rmSync(join(s.root, q), { recursive: true, force: true });
    await until('status gone', () => watcher!.status.mode === 'gone');
    expect(watcher!.status.message).toBe(`the spool is gone: ${s.root} holds none of the six queue directories any more`);
  });

  test('rm -rf of the queue directory with no sweep due: gone from the watcher\'s own check', async () => {
    const { spool: s } = await watched(false);
    rmSync(s.root, { recursive: true, force: true });
    await until('status gone', () => watcher!.status.mode === 'gone');
    expect(watcher!.status.message).toBe(`the spool is gone: ${s.root} was removed while postq watched it`);
  });

  test('the queue directory renamed away, no sweep due: gone (its watches follow the old inode)', async () => {
    const { spool: s } = await watched(false);
    renameSync(s.root, `${s.root}.old`);
    await until('status gone', () => watcher!.status.mode === 'gone');
    expect(watcher!.status.message).toBe(`the spool is gone: ${s.root} was removed while postq watched it`);
  });

  test('another directory put in its place, no sweep due: its messages, not the old ones', async () => {
    const { spool: s, acc, id } = await watched(false);
    const other = makeSkeletonSpool();
    const otherId = newQueueId();
    writeQueueFile(other.root, `hold/${otherId}`);
    renameSync(s.root, `${s.root}.old`);
    renameSync(other.root, s.root);
    await until('the new spool\'s message', () => acc.get(otherId) !== undefined && acc.get(id) === undefined);
    expect(watcher!.status.mode).toBe('live');
    // Events in the new directory are seen (its watches are new).
    const later = newQueueId();
    writeQueueFile(s.root, `hold/${later}`);
    await until('a message written after the swap', () => acc.get(later) !== undefined);
    other.cleanup();
  });

  test('the queue directory replaced by a file: gone, not a directory', async () => {
    const { spool: s } = await watched(false);
    renameSync(s.root, `${s.root}.old`);
    writeQueueFile(join(s.root, '..'), 'spool-file-placeholder');
    renameSync(join(s.root, '..', 'spool-file-placeholder'), s.root);
    await until('status gone', () => watcher!.status.mode === 'gone');
    expect(watcher!.status.message).toBe(`the spool is gone: ${s.root} is no longer a directory`);
  });
});
