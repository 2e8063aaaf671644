/**
 * Lifetimes in the store: the `expires` sort (create_time else arrival + maximal_queue_lifetime,
 * bounce_queue_lifetime for the null sender, forced expiry first), the list window's
 * expiresAt, re-sorting when the lifetimes change, and the release confirmation counting the
 * held messages that would bounce at once.
 */
import { expect, test } from 'vitest';
import { DEFAULT_POSTFIX_LIMITS } from '../../src/domain/postfix-limits.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectVisibleIds, selectWindow } from '../../src/store/selectors.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

const limits = { ...DEFAULT_POSTFIX_LIMITS, maximalQueueLifetime: 5 * 86_400, bounceQueueLifetime: 86_400, source: 'postconf' as const };

function storeWith() {
  const store = createConsoleStore({ backend: fakeBackend(), limits, now: () => NOW_MS });
  store.getState().applySpoolBatch(batch([
    makeEntry('OLDMAIL', { arrivalTime: NOW_SEC - 4 * 86_400 }), // expires in 1 day
    makeEntry('BOUNCE', { arrivalTime: NOW_SEC - 3600, sender: 'MAILER-DAEMON' }), // in 23 hours
    makeEntry('REQUEUED', { arrivalTime: NOW_SEC - 6 * 86_400, createTime: NOW_SEC - 3600 }), // in 4d23h
    makeEntry('FORCED', { arrivalTime: NOW_SEC - 60, forcedExpire: true }),
    makeEntry('HELDOLD', { queueName: 'hold', arrivalTime: NOW_SEC - 6 * 86_400 }), // a day past
  ]));
  return store;
}

test('expires: forced first, then by expiry with the null sender on bounce_queue_lifetime', () => {
  const store = storeWith();
  store.getState().setSort('expires');
  expect(selectVisibleIds(store.getState())).toEqual(['FORCED', 'HELDOLD', 'BOUNCE', 'OLDMAIL', 'REQUEUED']);
  const rows = selectWindow(store.getState(), 10).rows;
  expect(Object.fromEntries(rows.map((r) => [r.entry.queueId, r.expiresAt! - NOW_SEC]))).toEqual({
    FORCED: Number.NEGATIVE_INFINITY, HELDOLD: -86_400, BOUNCE: 86_400 - 3600, OLDMAIL: 86_400, REQUEUED: 5 * 86_400 - 3600,
  });
});

test('new lifetimes (main.cf changed) re-sort an expires view', () => {
  const store = storeWith();
  store.getState().setSort('expires');
  expect(selectVisibleIds(store.getState()).slice(2, 4)).toEqual(['BOUNCE', 'OLDMAIL']);
  store.getState().updateHealth({ limits: { ...limits, bounceQueueLifetime: 3 * 86_400 } });
  expect(selectVisibleIds(store.getState()).slice(2, 4)).toEqual(['OLDMAIL', 'BOUNCE']);
});

test('releasing held mail past its lifetime: the confirmation counts what bounces at once', () => {
  const store = storeWith();
  store.getState().applySpoolBatch(batch([makeEntry('HELDNEW', { queueName: 'hold', arrivalTime: NOW_SEC - 60 })]));
  store.getState().setQueueFilter('hold');
  store.getState().markAllMatching();
  store.getState().requestAction('release');
  expect(store.getState().confirmation).toMatchObject({ action: 'release', count: 2, pastLifetime: 1 });
  store.getState().cancelAction();
  store.getState().clearMarks();
  store.getState().setCursorId('HELDNEW');
  store.getState().requestAction('release');
  expect(store.getState().confirmation?.pastLifetime).toBeUndefined();
});

test('the filter in force reads the lifetimes: expires< follows them, also when main.cf changes', () => {
  const store = storeWith();
  store.getState().setFilterText('expires<2d !queue:hold');
  // maximal_queue_lifetime 5d, bounce_queue_lifetime 1d (postconf's, not Postfix's 5d for both).
  expect([...selectVisibleIds(store.getState())].sort()).toEqual(['BOUNCE', 'FORCED', 'OLDMAIL']);
  // main.cf now says 10d: the same filter text selects by the new lifetime.
  store.getState().updateHealth({ limits: { ...limits, maximalQueueLifetime: 10 * 86_400 } });
  expect([...selectVisibleIds(store.getState())].sort()).toEqual(['BOUNCE', 'FORCED']);
  expect(store.getState().filterText).toBe('expires<2d !queue:hold');
  // A draft that does not parse keeps the filter in force, recompiled too.
  store.getState().setFilterText('expires<', 'expires<2d !queue:hold');
  store.getState().updateHealth({ limits: { ...limits, bounceQueueLifetime: 10 * 86_400 } });
  expect([...selectVisibleIds(store.getState())].sort()).toEqual(['FORCED', 'OLDMAIL']);
  expect(store.getState().filterError).not.toBeNull();
});
