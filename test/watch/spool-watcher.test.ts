/**
 * The watcher on a real temp spool, files handled the way Postfix handles them: an incoming
 * file written 0600 then chmod 0700, renamed through active into a NEW deferred hash
 * subdirectory, its defer log appearing in a new defer subdirectory, moved to hold, unlinked.
 * The sink's accumulated state follows every step and equals a fresh scan at the end.
 */
import { chmodSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSpoolWatcher, type SpoolWatcher } from '../../src/watch/spool-watcher.js';
import { waitFor } from '../helpers/wait-for.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { SpoolAccumulator } from './accumulator.js';
import {
  freshScan, hashedPath, makeSkeletonSpool, moveQueueFile, newQueueId, TEMPLATE_DEFER_LOG, writeQueueFile, type TempSpool,
} from './spool-fixture.js';

let spool: TempSpool;
let acc: SpoolAccumulator;
let watcher: SpoolWatcher;

beforeEach(async () => {
  spool = makeSkeletonSpool();
  acc = new SpoolAccumulator();
  // No reconcile during these tests: what they show must come from the events alone.
  watcher = createSpoolWatcher(spool.config, acc.apply, { reconcileMinMs: 3_600_000, burstNames: Number.POSITIVE_INFINITY });
  await watcher.start();
});

afterEach(() => {
  watcher.stop();
  spool.cleanup();
});

const until = (what: string, probe: () => boolean) => waitFor(probe, { what, timeoutMs: 15_000, intervalMs: 10, describe: () => JSON.stringify([...acc.entries.values()].map((e) => [e.queueId, e.queueName, e.state])) });

describe('a message through the queues, as Postfix moves it', () => {
  test('the first batch is full with zero counts, and the watcher is live on directories only', () => {
    expect(acc.batches[0]).toMatchObject({ full: true, upserts: [], listedCounts: { incoming: 0, deferred: 0 } });
    expect(acc.batches.at(-1)!.listedCounts).toBeUndefined();
    expect(watcher.status).toEqual({ mode: 'live', message: null });
    // The root, the six queues (maildrop..corrupt) and defer/: one watch per directory.
    expect(watcher.stats.watches).toBe(8);
  });

  test('incoming 0600 -> 0700 -> active -> new deferred subdir + defer log -> hold -> unlink', async () => {
    const id = newQueueId();
    writeQueueFile(spool.root, `incoming/${id}`, undefined, false);
    await until('an incomplete incoming file', () => acc.get(id)?.state === 'incomplete');
    expect(acc.get(id)).toMatchObject({ queueName: 'incoming', listed: false });

    chmodSync(join(spool.root, `incoming/${id}`), 0o700);
    await until('the chmod to 0700 to make it a message', () => acc.get(id)?.state === 'ok');
    expect(acc.get(id)).toMatchObject({ queueName: 'incoming', listed: true, sender: expect.stringContaining('@') });

    moveQueueFile(spool.root, `incoming/${id}`, `active/${id}`);
    await until('the move to active', () => acc.get(id)?.queueName === 'active');

    const deferred = hashedPath('deferred', id);
    moveQueueFile(spool.root, `active/${id}`, deferred);
    await until('the move into a new hash subdirectory', () => acc.get(id)?.path === deferred);
    expect(acc.get(id)!.recipients.every((r) => r.delayReason === '')).toBe(true);
    expect(watcher.stats.watches).toBe(9);

    const deferLog = hashedPath('defer', id);
    mkdirSync(join(spool.root, deferLog, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(join(spool.root, deferLog), TEMPLATE_DEFER_LOG);
    await until('the defer log reasons', () => acc.get(id)?.recipients.some((r) => r.delayReason.includes('Connection refused')) === true);

    moveQueueFile(spool.root, deferred, `hold/${id}`);
    await until('the move to hold', () => acc.get(id)?.queueName === 'hold');

    // A move is one upsert, never a removal followed by a new message.
    expect(acc.batches.some((b) => b.removals.includes(id))).toBe(false);
    expect(acc.sorted()).toEqual(freshScan(spool.config));

    unlinkSync(join(spool.root, `hold/${id}`));
    await until('the removal', () => !acc.entries.has(id));
    expect(acc.batches.at(-1)!.removals).toEqual([id]);
    expect(acc.sorted()).toEqual(freshScan(spool.config));
  });

  test('a new hash subdirectory is watched; events in one window become one batch; postsuper -e shows', async () => {
    mkdirSync(join(spool.root, 'deferred/B'), { mode: 0o700 });
    await until('the new hash subdirectory to be watched', () => watcher.stats.watches === 9);
    const before = { batches: watcher.stats.batches, events: watcher.stats.events };
    const ids = [1, 2, 3, 4, 5].map(() => `B${newQueueId().slice(1)}`);
    for (const id of ids) writeQueueFile(spool.root, hashedPath('deferred', id));
    await until('five deferred messages', () => ids.every((id) => acc.get(id)?.queueName === 'deferred'));
    const events = watcher.stats.events - before.events;
    const batches = watcher.stats.batches - before.batches;
    // Five files created, written and chmod'ed: at least ten events, coalesced into few batches.
    expect(events).toBeGreaterThanOrEqual(10);
    expect(batches).toBeLessThanOrEqual(2);
    chmodSync(join(spool.root, hashedPath('deferred', ids[0]!)), 0o710);
    await until('the forced-expire flag', () => acc.get(ids[0]!)?.forcedExpire === true);
    expect(acc.sorted()).toEqual(freshScan(spool.config));
  });
});

describe('initial index of a real corpus spool', () => {
  test('counts first, then entries equal to a fresh scan, then live', async () => {
    const copy = copyCorpusSpool('basic');
    try {
      const config = resolveSpoolConfig({ spool: copy.spool });
      const corpusAcc = new SpoolAccumulator();
      const corpusWatcher = createSpoolWatcher(config, corpusAcc.apply);
      await corpusWatcher.start();
      try {
        const scan = freshScan(config);
        const counts = corpusAcc.batches[0]!.listedCounts!;
        expect(corpusAcc.batches[0]!.full).toBe(true);
        // listedCounts count queue-id names; the scan drops the ones that are not files.
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(scan.length);
        expect(counts.deferred).toBe(scan.filter((e) => e.queueName === 'deferred').length);
        expect(corpusAcc.sorted()).toEqual(scan);
        const id = scan.find((e) => e.queueName === 'deferred')!.queueId;
        moveQueueFile(copy.spool, scan.find((e) => e.queueId === id)!.path, `hold/${id}`);
        await waitFor(() => corpusAcc.get(id)?.queueName === 'hold', { what: 'the move to hold', intervalMs: 10 });
        expect(corpusAcc.sorted()).toEqual(freshScan(config));
      } finally {
        corpusWatcher.stop();
      }
    } finally {
      copy.cleanup();
    }
  });
});
