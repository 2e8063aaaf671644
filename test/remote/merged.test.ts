import { describe, expect, it } from 'vitest';
import { createMergedBackend, MergedIds, splitMergedId } from '../../src/remote/merged.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { batch, fakeBackend, makeEntry } from '../store/fixtures.js';

describe('merged fleet view', () => {
  it('keeps each target\'s rows apart: a full batch from one replaces only its own', () => {
    const ids = new MergedIds();
    const store = createConsoleStore({ backend: fakeBackend() });
    const apply = (b: ReturnType<MergedIds['toMerged']>) => store.getState().applySpoolBatch(b);
    apply(ids.toMerged(batch([makeEntry('AAAAAAAAA1'), makeEntry('AAAAAAAAA2')], [], { full: true }), 'mx1'));
    apply(ids.toMerged(batch([makeEntry('AAAAAAAAA1')], [], { full: true }), 'root@mx2:22'));
    const keys = () => [...store.getState().entries.keys()].sort();
    expect(keys()).toEqual(['AAAAAAAAA1@mx1', 'AAAAAAAAA1@root@mx2:22', 'AAAAAAAAA2@mx1']);
    expect(store.getState().entries.get('AAAAAAAAA1@root@mx2:22')!.host).toBe('root@mx2:22');
    // mx1 reconnects and its new snapshot lacks AAAAAAAAA2: only that row goes.
    apply(ids.toMerged(batch([makeEntry('AAAAAAAAA1')], [], { full: true }), 'mx1'));
    expect(keys()).toEqual(['AAAAAAAAA1@mx1', 'AAAAAAAAA1@root@mx2:22']);
    apply(ids.toMerged(batch([], ['AAAAAAAAA1']), 'root@mx2:22'));
    expect(keys()).toEqual(['AAAAAAAAA1@mx1']);
    expect(splitMergedId('AAAAAAAAA1@root@mx2:22')).toEqual({ queueId: 'AAAAAAAAA1', label: 'root@mx2:22' });
  });

  it('sends each action to the host its messages are on, with their own ids, and reports under merged ids in order', async () => {
    const mx1 = fakeBackend();
    const mx2 = fakeBackend({ outcome: (t) => ({ queueId: t.queueId, status: 'not-found' }) });
    const merged = createMergedBackend(new Map([['mx1', mx1], ['mx2', mx2]]));
    const seen = { inode: 7, arrivalTime: 100 };
    const result = await merged.run('hold', [
      { queueId: 'BBBBBBBBB1@mx2', queueName: 'deferred' },
      { queueId: 'AAAAAAAAA1@mx1', queueName: 'deferred', seen },
      { queueId: 'CCCCCCCCC1@nowhere', queueName: 'deferred' },
    ]);
    expect(mx1.calls).toEqual([{ action: 'hold', targets: [{ queueId: 'AAAAAAAAA1', queueName: 'deferred', seen }] }]);
    expect(mx2.calls).toEqual([{ action: 'hold', targets: [{ queueId: 'BBBBBBBBB1', queueName: 'deferred' }] }]);
    expect(result.outcomes).toEqual([
      { queueId: 'BBBBBBBBB1@mx2', status: 'not-found' },
      { queueId: 'AAAAAAAAA1@mx1', status: 'done' },
      { queueId: 'CCCCCCCCC1@nowhere', status: 'failed', reason: 'no such target in this fleet' },
    ]);
    expect(merged.describe('hold', [{ queueId: 'A@mx1', queueName: 'hold' }, { queueId: 'B@mx2', queueName: 'hold' }, { queueId: 'C@mx2', queueName: 'hold' }])).toMatch(/^mx1: 1, mx2: 2 /);
  });
});
