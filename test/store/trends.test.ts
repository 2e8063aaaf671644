/**
 * Trends (store/trends.ts): arrivals and departures counted per batch (the initial index and
 * maildrop count for neither), samples into the 10-minute and hour rings, bounded however
 * long it runs, rates per minute, the oldest age, and no redraw while nothing changes.
 * Fresh store per test, a settable clock, batches in, selectors out.
 */
import { expect, test } from 'vitest';
import { createConsoleStore } from '../../src/store/console-store.js';
import { HOUR_SLOTS, RECENT_SLOTS, selectTrends } from '../../src/store/trends.js';
import { selectTopReasons } from '../../src/store/groupings.js';
import { batch, fakeBackend, makeEntry, moved, NOW_MS, NOW_SEC } from './fixtures.js';

function liveStore() {
  let clock = NOW_MS;
  const store = createConsoleStore({ backend: fakeBackend(), now: () => clock });
  // The initial index: a full batch of what was already there.
  store.getState().applySpoolBatch({ upserts: [makeEntry('OLD1', { arrivalTime: NOW_SEC - 7200 })], removals: [], full: true, firstEventAt: null });
  store.getState().setWatcherStatus({ mode: 'live' });
  return { store, advance: (seconds: number) => (clock += seconds * 1000) };
}

test('arrivals and departures: new ids in the queue proper, ids gone from it; the initial index and maildrop count for neither', () => {
  const { store } = liveStore();
  expect(store.getState().flow).toEqual({ arrivals: 0, departures: 0 });
  const inc = makeEntry('A1', { queueName: 'incoming' });
  store.getState().applySpoolBatch(batch([inc, makeEntry('D1', { queueName: 'maildrop' })]));
  expect(store.getState().flow).toEqual({ arrivals: 1, departures: 0 });
  // incoming -> active -> deferred: the same message, no new arrival.
  store.getState().applySpoolBatch(batch([moved(inc, 'active')]));
  store.getState().applySpoolBatch(batch([moved(inc, 'deferred')]));
  // pickup takes the maildrop file (its id goes): not a departure.
  store.getState().applySpoolBatch(batch([], ['D1']));
  expect(store.getState().flow).toEqual({ arrivals: 1, departures: 0 });
  // Delivered (gone) and one deleted from the initial index's mail.
  store.getState().applySpoolBatch(batch([], ['A1', 'OLD1']));
  expect(store.getState().flow).toEqual({ arrivals: 1, departures: 2 });
  // A file still being written is not a message yet; it arrives when it turns 0700.
  const writing = makeEntry('W1', { queueName: 'incoming', state: 'incomplete', mode: 0o600 });
  store.getState().applySpoolBatch(batch([writing]));
  expect(store.getState().flow.arrivals).toBe(1);
  store.getState().applySpoolBatch(batch([{ ...writing, state: 'ok', mode: 0o700 }]));
  expect(store.getState().flow.arrivals).toBe(2);
});

test('samples: counts and oldest age per sample, arrivals and departures per minute', () => {
  const { store, advance } = liveStore();
  store.getState().recordTrend();
  for (let i = 0; i < 6; i++) {
    advance(10);
    store.getState().applySpoolBatch(batch([makeEntry(`N${i}`, { queueName: 'deferred', arrivalTime: NOW_SEC })]));
    store.getState().recordTrend();
  }
  const t = selectTrends(store.getState());
  expect(t.samples).toBe(7);
  const deferred = t.recent.queues.deferred.values;
  expect(deferred).toHaveLength(RECENT_SLOTS);
  expect(deferred.slice(-7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(deferred.slice(0, RECENT_SLOTS - 7).every((v) => v === null)).toBe(true);
  expect(t.recent.queues.deferred.latest).toBe(7);
  // One message every 10 s: 6 a minute.
  expect(t.arrivalsPerMinute).toBe(6);
  expect(t.departuresPerMinute).toBe(0);
  expect(t.recent.arrivals.values.slice(-6)).toEqual([6, 6, 6, 6, 6, 6]);
  // OLD1 arrived 2 h before the first sample; the last sample is 60 s later.
  expect(t.recent.oldestAge.latest).toBe(7200 + 60);
  // The hour ring takes the first sample and the one a minute later.
  expect(t.hour.queues.deferred.values.slice(-2)).toEqual([1, 7]);
});

test('oldest age per queue: each queue its own, 0 while empty, following a move between queues', () => {
  const { store, advance } = liveStore();
  // OLD1 (deferred, 2 h old) is there from the index; a hold arrives 30 min old.
  store.getState().applySpoolBatch(batch([makeEntry('H1', { queueName: 'hold', arrivalTime: NOW_SEC - 1800 })]));
  store.getState().recordTrend();
  advance(10);
  // OLD1 goes to active (qmgr picks it up): deferred empties, active ages.
  store.getState().applySpoolBatch(batch([makeEntry('OLD1', { queueName: 'active', arrivalTime: NOW_SEC - 7200 })]));
  store.getState().recordTrend();
  const t = selectTrends(store.getState());
  expect(t.recent.queueAges.deferred.values.slice(-2)).toEqual([7200, 0]);
  expect(t.recent.queueAges.active.values.slice(-2)).toEqual([0, 7210]);
  expect(t.recent.queueAges.hold.values.slice(-2)).toEqual([1800, 1810]);
  expect(t.recent.queueAges.incoming.latest).toBe(0);
  // The whole spool's oldest is the oldest of any queue.
  expect(t.recent.oldestAge.values.slice(-2)).toEqual([7200, 7210]);
  expect(t.hour.queueAges.hold.values.slice(-1)).toEqual([1800]);
});

test('bounded: a day of samples keeps 60 + 60, the newest; the 10-minute window is the last 10 minutes', () => {
  const { store, advance } = liveStore();
  const day = 86_400 / 10;
  for (let i = 0; i < day; i++) {
    if (i % 360 === 180) store.getState().applySpoolBatch(batch([makeEntry(`W${i}`, { queueName: 'hold' })]));
    store.getState().recordTrend();
    advance(10);
  }
  const s = store.getState();
  expect(s.trends.recent.size).toBe(RECENT_SLOTS);
  expect(s.trends.hour.size).toBe(HOUR_SLOTS);
  const recent = s.trends.recent.toArray();
  expect(recent[RECENT_SLOTS - 1]!.at - recent[0]!.at).toBe((RECENT_SLOTS - 1) * 10);
  const hour = s.trends.hour.toArray();
  expect(hour[HOUR_SLOTS - 1]!.at - hour[0]!.at).toBe((HOUR_SLOTS - 1) * 60);
  // A hold every hour (on the half hour): the hour window sees the last step, the 10-minute window holds steady.
  const holds = selectTrends(s).hour.queues.hold.values;
  expect(new Set(holds).size).toBe(2);
  expect(holds[HOUR_SLOTS - 1]).toBe(day / 360);
  expect(new Set(selectTrends(s).recent.queues.hold.values).size).toBe(1);
});

test('no redraw while nothing changes: the version stays once both rings hold only the same sample', () => {
  const { store, advance } = liveStore();
  const version = () => store.getState().trendVersion;
  for (let i = 0; i < 360; i++) {
    store.getState().recordTrend();
    advance(10);
  }
  const settled = version();
  store.getState().recordTrend();
  advance(10);
  expect(version()).toBe(settled);
  store.getState().applySpoolBatch(batch([makeEntry('X1', { queueName: 'active' })]));
  store.getState().recordTrend();
  expect(version()).toBe(settled + 1);
});

test('nothing is sampled while the first index is still reading', () => {
  const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
  store.getState().applySpoolBatch({ upserts: [], removals: [], full: true, firstEventAt: null, listedCounts: { deferred: 5 } });
  store.getState().setWatcherStatus({ mode: 'live' });
  store.getState().recordTrend();
  expect(selectTrends(store.getState()).samples).toBe(0);
  store.getState().applySpoolBatch(batch([makeEntry('I1')]));
  store.getState().recordTrend();
  expect(selectTrends(store.getState()).samples).toBe(1);
  // The index's own entries are not arrivals.
  expect(store.getState().flow.arrivals).toBe(0);
});

test('top reasons for the monitor are regrouped when a sample changed something, not on every batch', () => {
  const { store } = liveStore();
  const queues = ['deferred'] as const;
  const refused = (id: string) => makeEntry(id, { to: ['a@far.example'], reasons: ['connect to far.example[192.0.2.1]:25: Connection refused'] });
  store.getState().applySpoolBatch(batch([refused('R1')]));
  store.getState().recordTrend();
  const first = selectTopReasons(store.getState(), queues);
  expect(first.map((r) => r.messages)).toEqual([1]);
  store.getState().applySpoolBatch(batch([refused('R2')]));
  // A batch alone: the same rows (grouping 100k messages per data frame would cost ~0.5 s).
  expect(selectTopReasons(store.getState(), queues)).toBe(first);
  store.getState().recordTrend();
  const second = selectTopReasons(store.getState(), queues);
  expect(second.map((r) => r.messages)).toEqual([2]);
  // A sample while nothing moved (the rings still filling: a new version) regroups nothing.
  const version = store.getState().trendVersion;
  store.getState().recordTrend();
  expect(store.getState().trendVersion).toBe(version + 1);
  expect(selectTopReasons(store.getState(), queues)).toBe(second);
});
