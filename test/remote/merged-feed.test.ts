/**
 * The merged feed shares each link's entries with the merged store (made ID@TARGET in place)
 * instead of copying them; the merged view opened again does not merge them twice, and a view
 * of one target opened after it still sees that target's own ids.
 */
import { describe, expect, it } from 'vitest';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';
import { startMergedFeed } from '../../src/remote/merged-feed.js';
import { targetBatch } from '../../src/remote/merged.js';
import { createMirror } from '../../src/remote/mirror.js';
import { parseTarget } from '../../src/remote/target.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { batch, fakeBackend, makeEntry } from '../store/fixtures.js';

/** A link as the feed sees it: a mirror, and batches applied to it then heard. */
function fakeLink(label: string) {
  const mirror = createMirror();
  const listeners = new Set<(b: SpoolBatch) => void>();
  return {
    target: parseTarget(label),
    mirror,
    listen(on: (b: SpoolBatch) => void) {
      listeners.add(on);
      return () => listeners.delete(on);
    },
    send(b: SpoolBatch) {
      mirror.apply(b);
      for (const on of listeners) on(b);
    },
  };
}

describe('merged feed', () => {
  it('shares the links\' entries with the merged store, merges them once, and leaves a target view its own ids', () => {
    const mx1 = fakeLink('mx1');
    const mx2 = fakeLink('root@mx2');
    mx1.send(batch([makeEntry('AAAAAAAAA1'), makeEntry('AAAAAAAAA2')], [], { full: true }));
    mx2.send(batch([makeEntry('AAAAAAAAA1')], [], { full: true }));
    const store = createConsoleStore({ backend: fakeBackend() });
    const stop = startMergedFeed([mx1, mx2], (b) => store.getState().applySpoolBatch(b));
    mx2.send(batch([makeEntry('AAAAAAAAA3')], ['AAAAAAAAA1']));
    const keys = () => [...store.getState().entries.keys()].sort();
    expect(keys()).toEqual(['AAAAAAAAA1@mx1', 'AAAAAAAAA2@mx1', 'AAAAAAAAA3@root@mx2']);
    // One object for the mirror and the merged store: no second copy of every entry.
    expect(store.getState().entries.get('AAAAAAAAA1@mx1')).toBe(mx1.mirror.entries.get('AAAAAAAAA1'));
    expect(store.getState().entries.get('AAAAAAAAA3@root@mx2')).toBe(mx2.mirror.entries.get('AAAAAAAAA3'));
    expect(mx2.mirror.entries.get('AAAAAAAAA3')!.host).toBe('root@mx2');
    stop();

    // The merged view again (a new store, the same links): ids merged once, not twice.
    const again = createConsoleStore({ backend: fakeBackend() });
    const stop2 = startMergedFeed([mx1, mx2], (b) => again.getState().applySpoolBatch(b));
    expect([...again.getState().entries.keys()].sort()).toEqual(keys());
    stop2();

    // A view of mx1 alone: its own ids, no host, the same fields otherwise.
    const own = targetBatch(mx1.mirror.snapshot());
    expect(own.upserts.map((e) => e.queueId).sort()).toEqual(['AAAAAAAAA1', 'AAAAAAAAA2']);
    expect(own.upserts.every((e) => e.host === undefined)).toBe(true);
    expect(own.upserts.find((e) => e.queueId === 'AAAAAAAAA1')).toEqual(makeEntry('AAAAAAAAA1'));
    expect(own.full).toBe(true);
    // Nothing merged: the batch itself.
    const plain = batch([makeEntry('AAAAAAAAA9')]);
    expect(targetBatch(plain)).toBe(plain);
  });
});
