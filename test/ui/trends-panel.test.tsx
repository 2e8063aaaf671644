/**
 * Trends on screen: the sparkline text (scaled 0..max, a positive value never the lowest
 * block, buckets keep a burst, right-aligned before the window fills), the TrendsPanel from a
 * real TrendHistory (ink-testing-library, pinned width, mono theme), rows by priority in a
 * short panel, and the console's `m` monitor view: it opens, and a list key leaves it and acts.
 */
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { monoTheme } from '../../src/config/theme.js';
import { QUEUE_NAMES, type QueueName } from '../../src/domain/queue.js';
import { buildTrendView, TrendHistory, type TrendSample } from '../../src/store/trends.js';
import { TrendsPanel, sparkWidth } from '../../src/ui/components/trends-panel.js';
import { bucketSeries, sparkline } from '../../src/ui/sparkline.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForFrame } from './frames.js';
import { mountConsole, type Harness } from './harness.js';

afterEach(() => cleanup());
const themed = (node: React.ReactElement) => <ThemeContext.Provider value={monoTheme()}>{node}</ThemeContext.Provider>;

test('sparkline: 0..max scale, positive never lowest, null is blank, right-aligned, exact width', () => {
  expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
  expect(sparkline([5, 5, 5], 3)).toBe('███');
  expect(sparkline([0, 0], 2)).toBe('▁▁');
  expect(sparkline([1000, 1], 2)).toBe('█▂');
  expect(sparkline([null, null, 3, 0], 4)).toBe('  █▁');
  expect(sparkline([2, 4], 5)).toBe('   ▅█');
  expect(sparkline([], 3)).toBe('   ');
  expect(sparkline([1, 2], 0)).toBe('');
});

test('buckets: more values than cells keep the largest of each cell (a burst is not averaged away)', () => {
  expect(bucketSeries([1, 9, 1, 1, 1, 1], 3)).toEqual([9, 1, 1]);
  expect(bucketSeries([null, null, 1, null], 2)).toEqual([null, 1]);
  const line = sparkline([...new Array(59).fill(1), 40], 30);
  expect([...line]).toHaveLength(30);
  expect(line.endsWith('█')).toBe(true);
  expect(line.startsWith('▂')).toBe(true);
});

function sample(at: number, counts: Partial<Record<QueueName, number>>, arrivals: number, departures: number, oldestArrival: number | null, queueOldest: Partial<Record<QueueName, number>> = {}): TrendSample {
  return {
    at, counts: Object.fromEntries(QUEUE_NAMES.map((q) => [q, counts[q] ?? 0])) as Record<QueueName, number>, arrivals, departures, oldestArrival,
    queueOldest: Object.fromEntries(QUEUE_NAMES.map((q) => [q, queueOldest[q] ?? null])) as Record<QueueName, number | null>,
  };
}

function history(): TrendHistory {
  const h = new TrendHistory();
  // Ten minutes: deferred climbs 0..59, 6 arrivals and 3 departures a minute, oldest 1 h old at
  // the start (in active); deferred's oldest message is 10 s old at each sample until the last
  // minute, when one from 2 h before the start arrives there.
  for (let i = 0; i < 60; i++) {
    const at = 1000 + i * 10;
    h.record(sample(at, { deferred: i, active: 2 }, i, Math.floor(i / 2), 1000 - 3600, { active: 1000 - 3600, ...(i > 0 ? { deferred: i < 54 ? at - 10 : 1000 - 7200 } : {}) }));
  }
  return h;
}

test('TrendsPanel: title, one row per series with its newest value and two sparklines', async () => {
  const view = buildTrendView(history());
  const { lastFrame } = render(themed(<TrendsPanel trends={view} width={100} height={16} />));
  const frame = await waitForFrame(lastFrame, 'deferred');
  const rows = frame.split('\n');
  expect(rows[0]).toMatch(/^trends\s+last 10 min\s+last hour/);
  const spark = sparkWidth(100);
  const deferred = rows.find((r) => r.startsWith('deferred'))!;
  expect(deferred).toMatch(/^deferred\s+59 /);
  // The 10-minute line rises to a full block at its right edge.
  const cells = deferred.slice(18, 18 + spark);
  expect(cells).toBe(sparkline(view.recent.queues.deferred.values, spark));
  expect(cells.endsWith('█')).toBe(true);
  expect(cells.startsWith('▁')).toBe(true);
  expect(rows.find((r) => r.startsWith('active'))).toMatch(/^active\s+2\s+█+/);
  expect(rows.find((r) => r.startsWith('in /min'))).toMatch(/^in \/min\s+6 /);
  expect(rows.find((r) => r.startsWith('out /min'))).toMatch(/^out \/min\s+3 /);
  expect(rows.find((r) => r.startsWith('oldest'))).toMatch(/^oldest\s+1h9m /);
  // Each queue's own oldest age: deferred's jumps in the last minute; an empty queue reads '-'.
  const defAge = rows.find((r) => r.startsWith('def age'))!;
  expect(defAge).toMatch(/^def age\s+2h9m /);
  expect(defAge.slice(18, 18 + spark)).toBe(sparkline(view.recent.queueAges.deferred.values, spark));
  expect(defAge.slice(18, 18 + spark)).toMatch(/^▁+[▂-█]*█$/);
  expect(rows.find((r) => r.startsWith('act age'))).toMatch(/^act age\s+1h9m /);
  expect(rows.find((r) => r.startsWith('hold age'))).toMatch(/^hold age\s+-  /);
  expect(rows.slice(1).map((r) => r.split(/\s{2,}/)[0])).toEqual([
    'deferred', 'active', 'in /min', 'out /min', 'oldest', 'incoming', 'maildrop', 'hold', 'corrupt', 'def age', 'hold age', 'inc age', 'act age', 'drop age', 'cor age',
  ]);
  expect(rows).toHaveLength(16);
});

test('TrendsPanel in 4 lines: the title and the three most telling rows', async () => {
  const view = buildTrendView(history());
  const { lastFrame } = render(themed(<TrendsPanel trends={view} width={80} height={4} />));
  const frame = await waitForFrame(lastFrame, 'deferred');
  expect(frame.split('\n').map((r) => r.split(/\s+/)[0])).toEqual(['trends', 'deferred', 'active', 'in']);
});

let copy: CorpusCopy;
beforeAll(() => {
  copy = copyCorpusSpool('basic');
  return () => copy.cleanup();
});

test('console: m opens the monitor view; a list key (4: deferred) leaves it and acts', async () => {
  const h: Harness = await mountConsole(copy.spool, { columns: 100, rows: 24 });
  try {
    h.store.getState().recordTrend();
    await h.press('view.monitor');
    expect(h.screen()).toMatch(/trends\s+last 10 min/);
    expect(h.screen()).toMatch(/deferred\s+22 /);
    expect(h.screen()).not.toContain('QUEUE ID');
    await h.press('queue.deferred');
    expect(h.screen()).toContain('QUEUE ID');
    expect(h.store.getState().queueFilter).toBe('deferred');
    await h.press('view.monitor');
    await h.press('monitor.close');
    expect(h.screen()).toContain('QUEUE ID');
  } finally {
    h.unmount();
  }
});
