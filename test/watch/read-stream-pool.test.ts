/**
 * How `postq list` (src/watch/read-stream.ts) shares a listing with its read workers, through a
 * fake pool that answers each slice with its first id: every slice of a large listing goes to
 * the workers (the main thread reads none of it: what it reads grows its heap for good); a
 * worker that stalls on one slice lets the others answer at most AHEAD slices past it (they
 * used to read on without bound, each waiting slice in a text buffer of its own); a small
 * listing never asks for a pool. Output order stays the scan's throughout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveSpoolConfig, type SpoolConfig } from '../../src/config/spool-config.js';
import type { ListedText } from '../../src/spool/list-format.js';
import type { ReadPool, ReadSlice, RunOptions } from '../../src/watch/read-pool.js';
import { AHEAD, SLICE_IDS, streamListing, type ListingSink } from '../../src/watch/read-stream.js';
import { scanOrderSlices } from '../../src/watch/scan-order.js';

const SLICES = 40;
const format = { json: true, all: false, longQueueIds: false };
let work: string;
let config: SpoolConfig;
let ids: string[];

beforeAll(() => {
  // 40 slices' worth of names in hold/ (never read: the fake pool answers without reading).
  work = mkdtempSync(join(tmpdir(), 'postq-read-stream-'));
  for (const dir of ['incoming', 'active', 'deferred', 'hold', 'corrupt', 'maildrop']) mkdirSync(join(work, dir));
  const names = Array.from({ length: SLICES * SLICE_IDS }, (_, i) => `A${i.toString(16).toUpperCase().padStart(9, '0')}`);
  for (const id of names) writeFileSync(join(work, 'hold', id), '');
  config = resolveSpoolConfig({ spool: work });
  // The scan's order (readdir order, as showq's: readdir-order.test.ts), which the output keeps.
  ids = [...scanOrderSlices(config, ['hold'], SLICE_IDS)].flatMap((slice) => slice.ids);
  expect([...ids].sort()).toEqual(names);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const textOf = (slice: ReadSlice): ListedText => ({ text: new TextEncoder().encode(slice.ids.map((id) => `${id}\n`).join('')), count: slice.ids.length, size: 0 });

/**
 * A pool whose first outstanding slice stalls: it is answered only once the stream holds the
 * pool back (or nothing is left), the others at once, as a worker descheduled on a loaded
 * machine while another reads on.
 */
function stallingPool(counts: { answered: number; given: string[] }): ReadPool {
  let pump = () => {};
  const unused = () => Promise.reject(new Error('not for a listing'));
  return {
    runListing(slices: Iterable<ReadSlice>, _format, onText, options: RunOptions = {}) {
      const pending = slices[Symbol.iterator]();
      let stalled: ReadSlice | null = null;
      const answer = (slice: ReadSlice) => (counts.answered++, onText(slice, textOf(slice)));
      return new Promise<void>((resolve) => {
        pump = () => {
          while (!options.held?.()) {
            const step = pending.next();
            if (step.done) {
              if (stalled) answer(stalled);
              return resolve();
            }
            counts.given.push(...step.value.ids);
            if (stalled) answer(step.value);
            else stalled = step.value;
          }
          const late = stalled;
          stalled = null;
          if (late) setImmediate(() => answer(late));
        };
        pump();
      });
    },
    resume: () => void setImmediate(() => pump()),
    release() {},
    close() {},
    run: unused,
    runLstat: unused,
    size: 2,
  };
}

function collecting(counts: { answered: number }) {
  const out: string[] = [];
  let written = 0;
  let maxWaiting = 0;
  const sink: ListingSink = {
    write(listed, done) {
      written++;
      out.push(Buffer.from(listed.text as Uint8Array).toString('utf8'));
      done();
      return true;
    },
    drained: async () => {},
    closed: () => false,
  };
  return { sink, out, maxWaiting: () => maxWaiting, watch: () => (maxWaiting = Math.max(maxWaiting, counts.answered - written)) };
}

/** The listing through a stalling pool: what was written, what the pool was given, and the most slices answered and not yet written. */
async function throughStallingPool() {
  const counts = { answered: 0, given: [] as string[] };
  const pool = stallingPool(counts);
  const stream = collecting(counts);
  // Measured at every answer: answered and not yet written.
  const watched: ReadPool = {
    ...pool,
    runListing: (slices, f, onText, options) => pool.runListing(slices, f, (s, l) => (onText(s, l), stream.watch()), options),
  };
  await streamListing(config, ['hold'], format, stream.sink, { createPool: () => watched });
  return { text: stream.out.join(''), given: counts.given, answered: counts.answered, maxWaiting: stream.maxWaiting() };
}

test('a stalled worker lets the others answer at most AHEAD slices past it, and the output keeps its order', async () => {
  const run = await throughStallingPool();
  expect(run.maxWaiting).toBeGreaterThan(0);
  expect(run.maxWaiting).toBeLessThanOrEqual(AHEAD + 1);
  expect(run.text).toBe(ids.map((id) => `${id}\n`).join(''));
});

test('every slice of a large listing goes to the workers: none is read on the main thread, not even the first ones listed', async () => {
  const run = await throughStallingPool();
  expect(run.given).toEqual(ids);
  expect(run.answered).toBe(SLICES);
});

test('a listing smaller than the pool threshold never asks for a pool', async () => {
  let asked = 0;
  const stream = collecting({ answered: 0 });
  await streamListing(config, ['hold'], format, stream.sink, { createPool: () => (asked++, null), poolAfterIds: ids.length + 1 });
  expect(asked).toBe(0);
  // Read here: the files are empty, so nothing is listed, but every slice was written.
  expect(stream.out).toHaveLength(SLICES);
});
