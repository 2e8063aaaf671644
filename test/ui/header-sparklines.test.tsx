/**
 * The header's per-queue depth sparklines (last 10 minutes, store/trends.ts): 8 cells beside
 * each count on a wide line, full names kept before short ones, 5 cells when 8 do not fit,
 * none on a narrow line (the counts as before) nor before the first sample; on a compact
 * one-line header only when the status fits too. Mono theme, pinned widths.
 */
import React from 'react';
import { renderToString } from 'ink';
import { expect, test } from 'vitest';
import { monoTheme } from '../../src/config/theme.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectCounts } from '../../src/store/selectors.js';
import { selectTrends } from '../../src/store/trends.js';
import { Header } from '../../src/ui/components/header.js';
import { sparkline } from '../../src/ui/sparkline.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from '../store/fixtures.js';

/** A store whose deferred queue grew by one a sample over ten minutes (60 samples), 2 held throughout. */
function grownStore(samples = 60) {
  let clock = NOW_MS;
  const store = createConsoleStore({ backend: fakeBackend(), now: () => clock });
  store.getState().applySpoolBatch({ upserts: [makeEntry('H1', { queueName: 'hold' }), makeEntry('H2', { queueName: 'hold' })], removals: [], full: true, firstEventAt: null });
  store.getState().setWatcherStatus({ mode: 'live' });
  for (let i = 1; i <= samples; i++) {
    store.getState().applySpoolBatch(batch([makeEntry(`D${i}`, { arrivalTime: NOW_SEC })]));
    store.getState().recordTrend();
    clock += 10_000;
  }
  return store;
}

function header(store: ReturnType<typeof grownStore>, width: number, compact = false): string[] {
  const s = store.getState();
  const frame = renderToString(
    <ThemeContext.Provider value={monoTheme()}>
      <Header host="mx" spool="/s" counts={selectCounts(s)} watcher={{ mode: 'live', message: null, warnings: [] }} paused={false} readOnly={false}
        now={NOW_SEC + 600} width={width} compact={compact} trends={selectTrends(s)} />
    </ThemeContext.Provider>,
    { columns: width },
  );
  // eslint-disable-next-line no-control-regex
  return frame.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
}

const trendOf = (store: ReturnType<typeof grownStore>, cells: number) => sparkline(selectTrends(store.getState()).recent.queues.deferred.values, cells);

test('wide: full names, an 8-cell sparkline after each count, the deferred one rising', () => {
  const store = grownStore();
  const counts = header(store, 160)[1]!;
  const spark8 = trendOf(store, 8);
  // Rising to a full block at now (each cell the largest of the samples it covers).
  expect(spark8).toMatch(/^[▁-▃][▂-▇]{6}█$/);
  expect([...spark8].every((c, i, all) => i === 0 || c >= all[i - 1]!)).toBe(true);
  expect(counts).toContain(`deferred 60 ${spark8}  hold 2 ████████  corrupt 0 ▁▁▁▁▁▁▁▁  │`);
  expect(counts).toMatch(/^maildrop 0 ▁{8}  incoming 0 ▁{8}  active 0 ▁{8}  deferred 60 /);
});

test('narrower: short names with 8 cells, then 5 cells; narrow: no sparklines, the counts as before', () => {
  const store = grownStore();
  const full8 = header(store, 160)[1]!.trimEnd().length;
  const medium = header(store, full8)[1]!;
  expect(medium).toMatch(/^drop 0 ▁{8}  inc 0 /);
  expect(medium).toContain(`def 60 ${trendOf(store, 8)}  hold`);
  const five = header(store, 112)[1]!;
  expect(five).toMatch(/^drop 0 ▁{5}  inc 0 /);
  expect(five).toContain(`def 60 ${trendOf(store, 5)}  hold`);
  const narrow = header(store, 96)[1]!;
  expect(narrow).not.toMatch(/[▁-█]/);
  expect(narrow).toMatch(/^maildrop 0  incoming 0  active 0  deferred 60  hold 2  corrupt 0  │ 62 msgs/);
  expect(header(store, 80)[1]).toMatch(/^drop 0  inc 0  act 0  def 60  hold 2  cor 0  │ 62 msgs/);
});

test('no sparklines before the first sample', () => {
  const counts = header(grownStore(0), 160)[1]!;
  expect(counts).not.toMatch(/[▁-█]/);
  expect(counts).toMatch(/^maildrop 0  incoming 0 /);
});

test('compact (one line): sparklines only when the host, counts and status fit together', () => {
  const store = grownStore();
  const wide = header(store, 180, true)[0]!;
  expect(wide).toMatch(/^mx maildrop 0 ▁{8}  incoming/);
  expect(wide.trimEnd()).toMatch(/● live$/);
  const tight = header(store, 100, true)[0]!;
  expect(tight).not.toMatch(/[▁-█]/);
  expect(tight.trimEnd()).toMatch(/^mx maildrop 0  incoming 0 .*● live$/);
});
