/**
 * The initial index's batches say whether each id in them is new to the feed
 * (SpoolBatch.fresh): so they are on a corpus spool, and a batch with an id the index already
 * had (a file in two queues, hand-made: Postfix never does this) is not. The batch gate holds
 * fresh batches without a map of their ids (src/store/held-batches.ts).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { createSpoolWatcher } from '../../src/watch/spool-watcher.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';

let copy: CorpusCopy | undefined;
afterEach(() => copy?.cleanup());

async function indexBatches(spool: string, batchEveryMs?: number): Promise<SpoolBatch[]> {
  const batches: SpoolBatch[] = [];
  const watcher = createSpoolWatcher(resolveSpoolConfig({ spool }), (b) => void batches.push(b), batchEveryMs === undefined ? {} : { batchEveryMs });
  try {
    await watcher.start();
  } finally {
    watcher.stop();
  }
  return batches;
}

it('marks the index batches of new ids fresh', async () => {
  copy = copyCorpusSpool('basic');
  const parts = (await indexBatches(copy.spool)).filter((b) => !b.full && b.upserts.length > 0);
  expect(parts.length).toBeGreaterThan(0);
  expect(parts.map((b) => b.fresh)).toEqual(parts.map(() => true));
});

it('does not mark a batch fresh when an id in it was filed before', async () => {
  copy = copyCorpusSpool('basic');
  // The same id in hold too: read before deferred (small queues first), so deferred's copy is
  // the second filing of that id.
  copyFileSync(join(copy.spool, 'deferred/E/E978822C214'), join(copy.spool, 'hold/E978822C214'));
  const batches = (await indexBatches(copy.spool)).filter((b) => !b.full);
  const withId = batches.filter((b) => b.upserts.some((e) => e.queueId === 'E978822C214'));
  expect(withId.length).toBeGreaterThan(0);
  expect(withId.at(-1)!.fresh).toBe(false);
  expect(batches.flatMap((b) => b.upserts).filter((e) => e.queueId === 'E978822C214').at(-1)!.queueName).toBe('deferred');
});
