/**
 * `postq list/count --filter` read through filtered-read.ts: the read workers (the compiled
 * worker, as `postq` runs it) and the main thread select the same messages in the same order,
 * and both the set the filter selects over the scanned entries with the content decoded the
 * exact way (no byte search), for filters with body:/header: terms, queue terms, negations and `or`, on
 * the corpus spool.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import { QUEUE_NAMES, SHOWQ_QUEUES } from '../../src/domain/queue.js';
import type { QueueEntry } from '../../src/domain/entry.js';
import { contentEvaluator } from '../../src/store/content-terms.js';
import { compileFilter, isFilterError } from '../../src/store/filter-match.js';
import { readMessageContent } from '../../src/watch/content-read.js';
import { isListed, type ListFormat } from '../../src/spool/list-format.js';
import { createReadPool, type ReadPool } from '../../src/watch/read-pool.js';
import { streamListing } from '../../src/watch/read-stream.js';
import { scanQueues } from '../../src/watch/scan.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';

let copy: CorpusCopy;
let config: SpoolConfig;
let workerUrl: URL;
beforeAll(async () => {
  await ensureBuilt();
  const file = join(REPO_ROOT, 'dist', 'watch', 'read-worker.js');
  expect(existsSync(file)).toBe(true);
  workerUrl = pathToFileURL(file);
  copy = copyCorpusSpool('basic');
  config = resolveSpoolConfig({ spool: copy.spool });
}, 180_000);
let shared: ReadPool | null = null;
afterAll(() => {
  shared?.close();
  copy?.cleanup();
});

const NOW_MS = Date.now();
const QUEUES = [...SHOWQ_QUEUES, 'corrupt' as const];

/** The queue ids `list --all --json --filter TEXT` prints, in order; `workers`: slices the workers answered. */
async function listed(text: string, pooled: boolean): Promise<{ ids: string[]; workers: number }> {
  const format: ListFormat = { json: true, all: true, longQueueIds: config.longQueueIds, filter: { text, nowMs: NOW_MS } };
  const ids: string[] = [];
  let workers = 0;
  const sink = {
    write(l: { text: string | Uint8Array }, done: () => void) {
      const text = typeof l.text === 'string' ? l.text : Buffer.from(l.text).toString('utf8');
      for (const line of text.split('\n').filter(Boolean)) ids.push((JSON.parse(line) as { queue_id: string }).queue_id);
      done();
      return true;
    },
    drained: async () => {},
    closed: () => false,
  };
  // One pool for every listing (threads start slowly): each listing's close() leaves it open.
  const createPool = (): ReadPool | null => {
    const pool = (shared ??= createReadPool(config, { workers: 1, source: { url: workerUrl } })!);
    // Count the slices that came back from a worker.
    return { ...pool, runListing: (slices, f, onText, o) => pool.runListing(slices, f, (s, l) => (workers++, onText(s, l)), o), close: () => {} };
  };
  await streamListing(config, QUEUES, format, sink, pooled ? { createPool, poolAfterIds: 0 } : {});
  return { ids, workers };
}

/** Each file's content decoded once for all the filters (the corpus has a 3 MB message). */
const decoded = new Map<string, ReturnType<typeof readMessageContent>>();

/** The filter over scanned entries, the content decoded the exact way (message-content.ts), no byte search. */
function exactSelection(entries: QueueEntry[], text: string): QueueEntry[] {
  const plain = compileFilter(text);
  if (isFilterError(plain)) throw new Error(plain.error.message);
  const evaluate = contentEvaluator(plain.terms);
  const none = plain.terms.map(() => false);
  const content = (e: QueueEntry) => {
    if (!decoded.has(e.path)) decoded.set(e.path, readMessageContent(config, e));
    const read = decoded.get(e.path);
    return read ? evaluate(read) : none;
  };
  const f = compileFilter(text, { limits: config.limits, emptyAddress: config.emptyAddress, content });
  if (isFilterError(f)) throw new Error(f.error.message);
  return entries.filter((e) => f.match(e, NOW_MS));
}

describe('list --filter in the read workers', () => {
  it('selects what the main thread selects, and what the filter selects over the scanned entries', async () => {
    const scanned = scanQueues(config, QUEUE_NAMES);
    const filters = ['body:warehouse', '!body:forecast or queue:hold', 'age>1h (header:from:alice@remote.example or body:/t.e/) !queue:deferred'];
    let workerSlices = 0;
    for (const text of filters) {
      const expected = exactSelection(scanned, text).filter((e) => isListed(e, true)).map((e) => e.queueId).sort();
      const main = await listed(text, false);
      const pooled = await listed(text, true);
      expect([...main.ids].sort(), text).toEqual(expected);
      expect(pooled.ids, text).toEqual(main.ids);
      workerSlices += pooled.workers;
    }
    // Some of each run were the workers': the worker path was taken, not only the main thread's.
    expect(workerSlices).toBeGreaterThan(0);
  });
});
