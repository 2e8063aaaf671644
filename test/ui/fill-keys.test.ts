/**
 * Keys during the initial index: the console (real Ink, the corpus spool's entries copied
 * under new ids) fed through the batch gate as `postq` feeds it (prepare: sliceInto(store)).
 * A part of the index is applied in slices, so a key pressed while one is under way is
 * handled, and drawn, before the part lands; applied at once (the old gate), the key came
 * after the whole part. Steps are cut by units of work (sliceMs 0), not by the clock.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { isMessage } from '../../src/store/queue-stats.js';
import { selectCursorEntry } from '../../src/store/selectors.js';
import { createBatchGate, sliceInto, type BatchGate } from '../../src/ui/batch-gate.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, settle, type Harness } from './harness.js';

let copy: CorpusCopy;
let h: Harness | null = null;
let gate: BatchGate | null = null;
beforeAll(() => {
  process.env.TZ = 'UTC';
  copy = copyCorpusSpool('basic');
  return () => copy.cleanup();
});
afterEach(() => {
  gate?.stop();
  h?.unmount();
  [gate, h] = [null, null];
});

/** n messages: the corpus's real entries again and again under new ids. */
function copies(corpus: QueueEntry[], n: number, prefix: string): QueueEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const e = corpus[i % corpus.length]!;
    const queueId = `${prefix}${String(i).padStart(10, '0')}`;
    return { ...e, queueId, path: `${e.queueName}/${queueId}`, arrivalTime: e.arrivalTime - i * 60 };
  });
}

describe('keys while the console fills', () => {
  it('a key pressed while a part of the index is being applied is handled before the part lands', async () => {
    h = await mountConsole(copy.spool, { columns: 100, rows: 24 });
    const store = h.store;
    const corpus = [...store.getState().entries.values()].filter(isMessage);
    const listedCounts = { deferred: 500 };
    gate = createBatchGate((b) => store.getState().applySpoolBatch(b), { prepare: sliceInto(store), sliceMs: 0, fillFirst: 50 });
    // The index starts from nothing (its first batch: full, empty, with the listing's counts).
    gate.push({ upserts: [], removals: [], full: true, listedCounts, firstEventAt: null });
    gate.push({ upserts: copies(corpus, 100, 'A'), removals: [], full: false, listedCounts, firstEventAt: null });
    await waitForCondition(() => store.getState().entries.size === 100, 'the first part');
    await settle();
    const top = selectCursorEntry(store.getState())!.queueId;
    // Ink's frame throttle (1 ms in the harness) is open again: the key's frame is not delayed.
    await new Promise((r) => setTimeout(r, 5));

    // The next part (400, at least as many as the store has): applied in slices.
    gate.push({ upserts: copies(corpus, 400, 'B'), removals: [], full: false, listedCounts, firstEventAt: null });
    await new Promise((r) => setImmediate(r)); // one slice done, the part under way
    // What the store held when the key was handled, and when its frame was written.
    let entriesAtKey = -1;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.cursorId !== prev.cursorId && entriesAtKey < 0) entriesAtKey = s.entries.size;
    });
    const frames: Array<{ text: string; entries: number }> = [];
    const write = h.term.stdout.write;
    h.term.stdout.write = (chunk, ...rest) => {
      if (entriesAtKey >= 0) frames.push({ text: String(chunk), entries: store.getState().entries.size });
      return write(chunk, ...rest);
    };
    gate.noteKey();
    await h.press('list.down');
    unsubscribe();
    h.term.stdout.write = write;
    expect(entriesAtKey).toBe(100);
    const second = selectCursorEntry(store.getState())!.queueId;
    expect(second).not.toBe(top);
    // Drawn before the part landed: the key's frame (the new cursor row) with 100 in the store.
    expect(frames.find((f) => f.text.includes(second))).toMatchObject({ entries: 100 });
    expect(h.screen().split('\n').find((l) => l.startsWith('>'))).toContain(second);

    // The part lands; the cursor stays on the message the key chose.
    await waitForCondition(() => store.getState().entries.size === 500, 'the second part');
    gate.push({ upserts: [], removals: [], full: false, firstEventAt: null });
    await waitForCondition(() => store.getState().listedCounts === null, 'the end of the index');
    expect(selectCursorEntry(store.getState())!.queueId).toBe(second);
  });
});
