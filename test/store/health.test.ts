/**
 * Health by Postfix's rules (store/health.ts): FULL from the live counts against the limit
 * (and gone when active drains or the limit rises), stuck incoming 0600 files and an
 * undrained maildrop from the clock and the threshold, Postfix down first. Fresh store per
 * test, batches in, selectors out.
 */
import { expect, test } from 'vitest';
import { DEFAULT_POSTFIX_LIMITS } from '../../src/domain/postfix-limits.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { computeTimedAlerts, selectHealth } from '../../src/store/health.js';
import { selectQueueFigures } from '../../src/store/queue-figures.js';
import { batch, fakeBackend, makeEntry, NOW_SEC } from './fixtures.js';

const limits = { ...DEFAULT_POSTFIX_LIMITS, activeLimit: 3, source: 'postconf' as const };
const kinds = (store: ReturnType<typeof createConsoleStore>) => selectHealth(store.getState()).map((a) => a.kind);

test('active FULL at the limit, with the consequence; clears when one leaves or the limit rises', () => {
  const store = createConsoleStore({ backend: fakeBackend(), limits });
  const active = ['A1', 'A2', 'A3'].map((id) => makeEntry(id, { queueName: 'active' }));
  store.getState().applySpoolBatch(batch(active.slice(0, 2)));
  expect(kinds(store)).toEqual([]);
  store.getState().applySpoolBatch(batch([active[2]!]));
  const full = selectHealth(store.getState());
  expect(full.map((a) => a.kind)).toEqual(['active-full']);
  expect(full[0]!.text).toBe('active FULL 3/3: qmgr takes nothing from incoming or deferred');
  store.getState().applySpoolBatch(batch([], ['A3']));
  expect(kinds(store)).toEqual([]);
  store.getState().applySpoolBatch(batch([active[2]!]));
  expect(kinds(store)).toEqual(['active-full']);
  store.getState().updateHealth({ limits: { ...limits, activeLimit: 100 } });
  expect(kinds(store)).toEqual([]);
});

test("with no configuration read (a bare --spool), FULL says the limit is Postfix's default", () => {
  const store = createConsoleStore({ backend: fakeBackend(), limits: { ...limits, source: 'defaults' } });
  store.getState().applySpoolBatch(batch(['D1', 'D2', 'D3'].map((id) => makeEntry(id, { queueName: 'active' }))));
  expect(selectHealth(store.getState())[0]!.text).toBe("active FULL 3/3: qmgr takes nothing from incoming or deferred (Postfix's default limit: no main.cf read; -c DIR reads it)");
});

test('an incoming 0600 file is stuck only past the threshold; a stray name is not mail', () => {
  const store = createConsoleStore({ backend: fakeBackend(), limits });
  const writing = makeEntry('5B2A122C26C', { queueName: 'incoming', state: 'incomplete', mode: 0o600, mtime: NOW_SEC - 100, listed: false });
  const stray = makeEntry('core', { queueName: 'incoming', state: 'incomplete', mode: 0o600, mtime: NOW_SEC - 9999, listed: false });
  store.getState().applySpoolBatch(batch([writing, stray]));
  const s = store.getState();
  const at = (now: number) => computeTimedAlerts(selectQueueFigures(s), s.queueStats, now, { stuckSeconds: 300 }, true);
  expect(at(NOW_SEC)).toEqual([]);
  expect(at(NOW_SEC + 200).map((a) => a.text)).toEqual(['1 stuck in incoming (0600 for 5m: a killed cleanup; qmgr ignores it)']);
  store.getState().updateHealth({ timedAlerts: at(NOW_SEC + 200) });
  expect(kinds(store)).toEqual(['stuck-incoming']);
});

test('maildrop not drained past the threshold; with Postfix down that alert says maildrop waits instead', () => {
  const store = createConsoleStore({ backend: fakeBackend(), limits });
  store.getState().applySpoolBatch(batch([makeEntry('D1', { queueName: 'maildrop', arrivalTime: NOW_SEC - 600 })]));
  const s = store.getState();
  const timed = (running: boolean | null) => computeTimedAlerts(selectQueueFigures(s), s.queueStats, NOW_SEC, { stuckSeconds: 300 }, running);
  expect(timed(true).map((a) => a.text)).toEqual(['pickup not draining: maildrop 1, oldest 10m']);
  // Not known to run (a copy, the demo): no pickup to blame.
  expect(timed(null)).toEqual([]);
  expect(timed(false)).toEqual([]);
  store.getState().updateHealth({ postfix: { running: false, detail: 'master pid 42 is gone' }, timedAlerts: timed(false) });
  const alerts = selectHealth(store.getState());
  expect(alerts.map((a) => a.text)).toEqual(['Postfix not running (master pid 42 is gone); maildrop 1 waits for pickup']);
  expect(selectHealth(store.getState())).toBe(alerts);
});
