/**
 * Threshold levels from the live store (store/thresholds.ts): a queue's count and its oldest
 * age against warning and critical, the total, and the clock moving an age past a level.
 */
import { expect, test } from 'vitest';
import { createConsoleStore } from '../../src/store/console-store.js';
import { overallLevel, selectLevels } from '../../src/store/thresholds.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from './fixtures.js';

const thresholds = {
  deferred: { count: { warning: 2, critical: 3 } },
  hold: { age: { warning: 3600, critical: 86_400 } },
  total: { count: { warning: 100, critical: null } },
};

test('counts and ages against warning and critical; the clock moves an age up a level', () => {
  let clock = NOW_MS;
  const store = createConsoleStore({ backend: fakeBackend(), now: () => clock, thresholds });
  store.getState().applySpoolBatch(batch([makeEntry('D1'), makeEntry('H1', { queueName: 'hold', arrivalTime: NOW_SEC - 7200 })]));
  let l = selectLevels(store.getState());
  expect(l.deferred.level).toBe('ok');
  expect(l.hold).toEqual({ level: 'warning', count: 'ok', age: 'warning', ageSeconds: 7200 });
  expect(l.active.level).toBe('ok');
  store.getState().applySpoolBatch(batch([makeEntry('D2'), makeEntry('D3')]));
  l = selectLevels(store.getState());
  expect(l.deferred).toMatchObject({ level: 'critical', count: 'critical', age: 'ok' });
  expect(overallLevel(l)).toBe('critical');
  // A day later (the store's clock ticks), the held message is past its critical age.
  clock += 86_400 * 1000;
  store.getState().tick();
  expect(selectLevels(store.getState()).hold.level).toBe('critical');
  // None configured: everything ok.
  const plain = createConsoleStore({ backend: fakeBackend(), now: () => clock });
  plain.getState().applySpoolBatch(batch([makeEntry('D1'), makeEntry('D2'), makeEntry('D3')]));
  expect(overallLevel(selectLevels(plain.getState()))).toBe('ok');
});

