import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/domain/entry.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectVisibleIds, selectWindow } from '../../src/store/selectors.js';
import { batch, fakeBackend, makeEntry, moved, NOW_MS, type FakeBackendOptions } from './fixtures.js';

function entries(n: number, queueName: QueueEntry['queueName'] = 'deferred', prefix = 'ACT'): QueueEntry[] {
  return Array.from({ length: n }, (_, i) => makeEntry(`${prefix}${String(i).padStart(7, '0')}`, { queueName, arrivalTime: 1000 + i }));
}

function setup(list: QueueEntry[], options: FakeBackendOptions = {}) {
  const backend = fakeBackend(options);
  const store = createConsoleStore({ backend, now: () => NOW_MS });
  store.getState().applySpoolBatch(batch(list));
  return { backend, store };
}

describe('requestAction: the confirmation', () => {
  it('acts on the cursor row when nothing is marked, and shows the command', () => {
    const { store, backend } = setup([...entries(3), ...entries(2, 'hold', 'HLD')]);
    store.getState().setCursorId('ACT0000001');
    store.getState().requestAction('hold');
    const c = store.getState().confirmation!;
    expect(c).toMatchObject({
      action: 'hold',
      scope: 'cursor',
      count: 1,
      title: 'Hold 1 message from deferred?',
      hiddenByFilter: 0,
      sampleIds: ['ACT0000001'],
      command: 'fake-hold ACT0000001',
      wholeQueue: false,
      requireWord: null,
    });
    expect(c.targets).toEqual([{ queueId: 'ACT0000001', queueName: 'deferred' }]);
    expect(backend.calls).toEqual([]);
    store.getState().cancelAction();
    expect(store.getState().confirmation).toBeNull();
  });

  it('acts on the marks, and says how many the filter hides', () => {
    const { store } = setup([...entries(5), ...entries(3, 'hold', 'HLD')]);
    store.getState().markAllMatching();
    store.getState().setFilterText('queue:hold');
    store.getState().requestAction('delete');
    const c = store.getState().confirmation!;
    expect(c.scope).toBe('marked');
    expect(c.count).toBe(8);
    expect(c.hiddenByFilter).toBe(5);
    expect(c.title).toBe('Delete 8 messages?');
    expect(c.filterText).toBe('queue:hold');
  });

  it('release on a row not held, hold on corrupt/: refused at once with why, no confirmation', () => {
    const { store, backend } = setup([...entries(2), ...entries(1, 'corrupt', 'COR')]);
    store.getState().setCursorId('ACT0000001');
    store.getState().requestAction('release');
    expect(store.getState().confirmation).toBeNull();
    expect(store.getState().flash?.text).toBe('cannot release ACT0000001: not on hold (in deferred/)');
    store.getState().setCursorId('COR0000000');
    store.getState().requestAction('hold');
    expect(store.getState().confirmation).toBeNull();
    expect(store.getState().flash?.text).toMatch(/^cannot hold COR0000000: in corrupt\/: postsuper does not act on corrupt files/);
    store.getState().markAllMatching();
    store.getState().requestAction('release');
    expect(store.getState().confirmation).toBeNull();
    expect(store.getState().flash?.text).toBe('nothing to release: none of the 3 marked messages can be (not on hold (in deferred/))');
    expect(backend.calls).toEqual([]);
  });

  it('marks the action cannot take are left out of the count and said so', () => {
    const { store } = setup([...entries(5), ...entries(3, 'hold', 'HLD')]);
    store.getState().markAllMatching();
    store.getState().requestAction('release');
    const c = store.getState().confirmation!;
    expect(c.count).toBe(3);
    expect(c.title).toBe('Release 3 messages from hold?');
    expect(c.targets.every((t) => t.queueName === 'hold')).toBe(true);
    expect(c.leftOut).toBe(5);
    expect(c.leftOutWhy).toBe('not on hold (in deferred/)');
  });

  it('scope matching takes every row the view shows', () => {
    const { store } = setup([...entries(5), ...entries(3, 'hold', 'HLD')]);
    store.getState().setQueueFilter('hold');
    store.getState().requestAction('requeue', 'matching');
    const c = store.getState().confirmation!;
    expect(c.targets.map((t) => t.queueId)).toEqual(selectVisibleIds(store.getState()));
    expect(c.count).toBe(3);
    expect(c.wholeQueue).toBe(true);
    expect(c.requireWord).toBeNull(); // only delete asks for the word
  });

  it('a delete of 100 or more, or of a whole queue, asks for the word', () => {
    const big = setup(entries(150));
    big.store.getState().setFilterText('id:ACT00000'); // 100 of 150: not the whole queue
    big.store.getState().requestAction('delete', 'matching');
    expect(big.store.getState().confirmation).toMatchObject({ count: 100, wholeQueue: false, requireWord: 'DELETE' });
    const small = setup([...entries(2, 'hold', 'HLD'), ...entries(3)]);
    small.store.getState().setQueueFilter('hold');
    small.store.getState().requestAction('delete', 'matching');
    expect(small.store.getState().confirmation).toMatchObject({ count: 2, wholeQueue: true, requireWord: 'DELETE' });
    small.store.getState().cancelAction();
    small.store.getState().requestAction('delete');
    expect(small.store.getState().confirmation).toMatchObject({ count: 1, wholeQueue: false, requireWord: null });
  });

  it('refuses in read-only mode with the reason, and never calls the backend', async () => {
    const { store, backend } = setup(entries(2), { disabledReason: 'read-only: not root' });
    expect(store.getState().readOnlyReason).toBe('read-only: not root');
    store.getState().requestAction('delete');
    expect(store.getState().confirmation).toBeNull();
    expect(store.getState().flash).toMatchObject({ text: 'delete is disabled: read-only: not root', level: 'warn', at: NOW_MS });
    expect(await store.getState().confirmAction()).toBeNull();
    expect(backend.calls).toEqual([]);
  });

  it('refuses an unsupported action, and an empty selection', () => {
    const { store } = setup(entries(1), { unsupported: ['expire'] });
    store.getState().requestAction('expire');
    expect(store.getState().flash!.text).toBe('expire is not supported by the direct backend');
    store.getState().setQueueFilter('corrupt');
    store.getState().requestAction('hold');
    expect(store.getState().flash!.text).toBe('nothing to hold: no message under the cursor');
    expect(store.getState().confirmation).toBeNull();
  });
});

describe('confirmAction: pending, flash, settling', () => {
  it('marks ids pending, never changes the list, and the next batch settles them', async () => {
    const list = entries(12);
    const { store, backend } = setup(list, { manual: true });
    store.getState().markAllMatching();
    store.getState().requestAction('hold');
    const before = store.getState().entries;
    const running = store.getState().confirmAction();
    let s = store.getState();
    expect(s.confirmation).toBeNull();
    expect(s.pending.size).toBe(12);
    expect(s.pending.get('ACT0000000')).toEqual({ action: 'hold', phase: 'running', seen: false });
    expect(s.flash).toMatchObject({ text: 'hold: 12 messages, running', level: 'info' });
    expect(selectWindow(s, 3).rows.map((r) => r.pending?.phase)).toEqual(['running', 'running', 'running']);
    backend.finish();
    const result = await running;
    expect(result!.outcomes).toHaveLength(12);
    s = store.getState();
    expect(s.entries).toBe(before); // nothing optimistic
    expect(s.flash).toMatchObject({ text: 'held 12 of 12', level: 'ok' });
    expect(s.marks.size).toBe(0);
    expect([...s.pending.values()].every((op) => op.phase === 'settling')).toBe(true);
    // an unrelated batch settles nothing; the watcher seeing the moves settles them
    store.getState().applySpoolBatch(batch([makeEntry('OTHER00001')]));
    expect(store.getState().pending.size).toBe(12);
    store.getState().applySpoolBatch(batch(list.slice(0, 10).map((e) => moved(e, 'hold'))));
    expect([...store.getState().pending.keys()]).toEqual(['ACT0000010', 'ACT0000011']);
    store.getState().applySpoolBatch(batch([...store.getState().entries.values()], [], { full: true }));
    expect(store.getState().pending.size).toBe(0);
  });

  it('says how many were already gone: "held 998 of 1,000; 2 already gone"', async () => {
    const gone = new Set(['ACT0000003', 'ACT0000500']);
    const { store } = setup(entries(1000), {
      outcome: (t) => ({ queueId: t.queueId, status: gone.has(t.queueId) ? 'not-found' : 'done' }),
    });
    store.getState().markAllMatching();
    store.getState().requestAction('hold');
    await store.getState().confirmAction();
    const s = store.getState();
    expect(s.flash).toMatchObject({ text: 'held 998 of 1,000; 2 already gone', level: 'ok' });
    expect(s.pending.has('ACT0000003')).toBe(false);
    expect(s.pending.get('ACT0000004')!.phase).toBe('settling');
  });

  it('reports failures (sanitised) and keeps the failed ids marked', async () => {
    const { store } = setup(entries(3), {
      outcome: (t) =>
        t.queueId === 'ACT0000001' ? { queueId: t.queueId, status: 'failed', reason: 'postsuper: \u001b[31mbad' } : { queueId: t.queueId, status: 'done' },
      error: 'postsuper exited 1',
    });
    store.getState().markAllMatching();
    store.getState().requestAction('requeue');
    await store.getState().confirmAction();
    const s = store.getState();
    expect(s.flash).toMatchObject({ text: 'requeued 2 of 3; 1 failed: postsuper: ^[[31mbad (postsuper exited 1)', level: 'warn' });
    expect(s.flash!.text).not.toContain('\u001b');
    expect([...s.marks]).toEqual(['ACT0000001']);
    expect(s.pending.has('ACT0000001')).toBe(false);
  });

  it('a backend that throws becomes an error flash and clears pending', async () => {
    const { store } = setup(entries(2), { reject: 'spawn postsuper ENOENT \u001b]0;pwned\u0007' });
    store.getState().requestAction('hold');
    expect(await store.getState().confirmAction()).toBeNull();
    expect(store.getState().flash).toMatchObject({ text: 'hold failed: spawn postsuper ENOENT ^[]0;pwned^G', level: 'error' });
    expect(store.getState().pending.size).toBe(0);
  });

  it('the word must be typed for a big delete', async () => {
    const { store, backend } = setup(entries(120));
    store.getState().requestAction('delete', 'matching');
    expect(await store.getState().confirmAction()).toBeNull();
    expect(store.getState().flash!.text).toBe('type DELETE to confirm (Delete 120 messages from deferred?)');
    expect(store.getState().confirmation).not.toBeNull();
    expect(await store.getState().confirmAction('delete')).toBeNull();
    expect(backend.calls).toHaveLength(0);
    await store.getState().confirmAction('DELETE');
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.targets).toHaveLength(120);
    expect(store.getState().flash!.text).toBe('deleted 120 of 120');
  });

  it('ids the watcher already saw change while running settle at once', async () => {
    const list = entries(2);
    const { store, backend } = setup(list, { manual: true });
    store.getState().markAllMatching();
    store.getState().requestAction('hold');
    const running = store.getState().confirmAction();
    store.getState().applySpoolBatch(batch([moved(list[0]!, 'hold')]));
    expect(store.getState().pending.get('ACT0000000')).toMatchObject({ phase: 'running', seen: true });
    backend.finish();
    await running;
    expect([...store.getState().pending.keys()]).toEqual(['ACT0000001']);
  });

  it('deliver now does not wait for the watcher', async () => {
    const { store } = setup(entries(2));
    store.getState().requestAction('deliver');
    await store.getState().confirmAction();
    expect(store.getState().pending.size).toBe(0);
    expect(store.getState().flash!.text).toBe('scheduled 1 of 1 for delivery');
  });
});
