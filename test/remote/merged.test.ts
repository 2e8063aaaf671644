import { describe, expect, it } from 'vitest';
import { createMergedBackend, MergedIds, splitMergedId } from '../../src/remote/merged.js';
import { createReadOnlyBackend, DEFAULT_READ_ONLY_REASON } from '../../src/actions/read-only-backend.js';
import { mergedConsoleBackend, targetConsoleBackend } from '../../src/cli/fleet-backend.js';
import type { Connection } from '../../src/remote/connection.js';
import { parseTarget } from '../../src/remote/target.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectCounts } from '../../src/store/selectors.js';
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

  it('one initial index across targets: listed counts summed until the last target is done, no arrivals for mail that was there', () => {
    const ids = new MergedIds();
    const store = createConsoleStore({ backend: fakeBackend() });
    const apply = (b: ReturnType<MergedIds['toMerged']>) => store.getState().applySpoolBatch(b);
    const a = ['AAAAAAAAA1', 'AAAAAAAAA2', 'AAAAAAAAA3'].map((id) => makeEntry(id));
    const b = ['BBBBBBBBB1', 'BBBBBBBBB2'].map((id) => makeEntry(id));
    // Each watcher: an empty full batch with its listing, rows with it, then a batch without it.
    apply(ids.toMerged(batch([], [], { full: true, listedCounts: { deferred: 3 } }), 'mx1'));
    apply(ids.toMerged(batch([], [], { full: true, listedCounts: { deferred: 2, hold: 1 } }), 'mx2'));
    expect(selectCounts(store.getState())).toMatchObject({ indexing: true, total: { count: 6, indexed: 0 } });
    apply(ids.toMerged(batch(a, [], { listedCounts: { deferred: 3 } }), 'mx1'));
    apply(ids.toMerged(batch([]), 'mx1')); // mx1 is done; mx2 still lists 2 + 1
    expect(selectCounts(store.getState())).toMatchObject({ indexing: true, total: { count: 6, indexed: 3 } });
    apply(ids.toMerged(batch(b, [], { listedCounts: { deferred: 2, hold: 1 } }), 'mx2'));
    const last = ids.toMerged(batch([]), 'mx2');
    expect(last.listedCounts).toBeUndefined();
    apply(last);
    expect(selectCounts(store.getState())).toMatchObject({ indexing: false, total: { count: 5, indexed: 5 } });
    expect(store.getState().flow).toEqual({ arrivals: 0, departures: 0 });
    // After the index, a new message is an arrival.
    apply(ids.toMerged(batch([makeEntry('AAAAAAAAA4')]), 'mx1'));
    expect(store.getState().flow).toEqual({ arrivals: 1, departures: 0 });
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

  it('an action across hosts ends with one result per host in the flash line', async () => {
    const mx1 = fakeBackend();
    const mx2 = fakeBackend({ outcome: (t) => (t.queueId === 'BBBBBBBBB2' ? { queueId: t.queueId, status: 'not-found' } : { queueId: t.queueId, status: 'done' }) });
    const mx3 = fakeBackend({ outcome: (t) => ({ queueId: t.queueId, status: 'failed', reason: 'link lost' }), error: 'link lost' });
    const store = createConsoleStore({ backend: createMergedBackend(new Map([['mx1', mx1], ['mx2', mx2], ['mx3', mx3]])) });
    const ids = new MergedIds();
    const on = (label: string, queueIds: string[]) => store.getState().applySpoolBatch(ids.toMerged(batch(queueIds.map((id) => makeEntry(id)), [], { full: true }), label));
    on('mx1', ['AAAAAAAAA1', 'AAAAAAAAA2', 'AAAAAAAAA3']);
    on('mx2', ['BBBBBBBBB1', 'BBBBBBBBB2']);
    on('mx3', ['CCCCCCCCC1']);
    store.getState().markAllMatching();
    store.getState().requestAction('hold');
    expect(store.getState().confirmation?.command).toMatch(/^mx1: 3, mx2: 2, mx3: 1 /);
    await store.getState().confirmAction();
    expect(store.getState().flash).toMatchObject({
      text: 'mx1: held 3 of 3; mx2: held 1 of 2, 1 already gone; mx3: held 0 of 1, 1 failed: link lost (mx3: link lost)',
      level: 'error',
    });
  });

  it('refused on every host: one reason when all agree, else each host named with its own', () => {
    const refusing = (reason: string) => createReadOnlyBackend(reason);
    expect(createMergedBackend(new Map([['mx1', refusing('r')], ['mx2', refusing('r')]])).disabledReason).toBe('r');
    expect(createMergedBackend(new Map([['mx1', refusing('no -c on mx1')], ['mx2', refusing('no -c on mx2')]])).disabledReason).toBe('mx1: no -c on mx1; mx2: no -c on mx2');
    expect(createMergedBackend(new Map([['mx1', refusing('r')], ['mx2', fakeBackend()]])).disabledReason).toBeNull();
  });

  it('--read-only merged goes through the fleet backend: the store is read-only, and a run is refused per host', async () => {
    const link = (label: string) => ({ target: parseTarget(label), hello: null }) as unknown as Connection;
    const backend = mergedConsoleBackend([link('mx1'), link('mx2')], { 'read-only': true });
    const store = createConsoleStore({ backend });
    expect(store.getState().readOnlyReason).toBe(DEFAULT_READ_ONLY_REASON);
    const result = await backend.run('hold', [{ queueId: 'AAAAAAAAA1@mx1', queueName: 'deferred' }, { queueId: 'BBBBBBBBB1@mx2', queueName: 'deferred' }]);
    expect(result.outcomes).toEqual([
      { queueId: 'AAAAAAAAA1@mx1', status: 'failed', reason: `mx1: ${DEFAULT_READ_ONLY_REASON}` },
      { queueId: 'BBBBBBBBB1@mx2', status: 'failed', reason: `mx2: ${DEFAULT_READ_ONLY_REASON}` },
    ]);
  });

  it('a target read-only on its own shows its own reason (from its hello, sanitized), not --read-only\'s', () => {
    const hello = { disabledReason: '--spool without -c: no Postfix configuration manages /x\x1b[2J', supports: [] };
    const connection = { target: parseTarget('mx1'), hello, status: { state: 'live' } } as unknown as Connection;
    const store = createConsoleStore({ backend: targetConsoleBackend(connection, {}) });
    expect(store.getState().readOnlyReason).toMatch(/^--spool without -c: no Postfix configuration manages \/x/);
    expect(store.getState().readOnlyReason).not.toContain('\x1b');
  });

  it('one spool (no hosts): the ordinary total', async () => {
    const store = createConsoleStore({ backend: fakeBackend() });
    store.getState().applySpoolBatch(batch([makeEntry('AAAAAAAAA1'), makeEntry('AAAAAAAAA2')], [], { full: true }));
    store.getState().markAllMatching();
    store.getState().requestAction('hold');
    await store.getState().confirmAction();
    expect(store.getState().flash?.text).toBe('held 2 of 2');
  });
});
