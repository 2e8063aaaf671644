/**
 * Console rendering at scale (`node --import tsx bench/console-bench.ts`, or from bench/run.ts):
 * the real App with the render options `postq` uses (consoleRenderOptions: incremental, its
 * maxFps, frame anchoring) and the same batch gate, on a fake 80x24 terminal, a store holding
 * BENCH_MESSAGES synthetic entries (default 100,000).
 *
 *   key press -> frame: stdin write to the frame's write; keys paced like keyboard auto-repeat
 *     (one every KEY_PERIOD_MS = 33 ms, ~30/s, or right after the frame if it took longer),
 *     whatever the render options are; p50/p99
 *   bytes per cursor move inside the page, and per scroll / half page, at 80x24
 *   keys during bursts: BURSTS bursts of 5,000 watcher events each (deferred -> hold moves,
 *     125 every 25 ms, as the watcher batches them: ~1 s per burst), keys pressed throughout,
 *     from the burst's first event until the store holds all of its moves (the gate lets
 *     held changes ride with keys, so the tail counts too); p50/p99/max over all those keys
 *
 *   the header with sparklines: the same in-page keys at 160 columns once trend samples exist,
 *     and its idle CPU with a sample (and a redraw) every second
 *   the header with thresholds: the same in-page keys with warning/critical levels on every
 *     queue and the total (the header computes and paints levels), beside the plain run
 *   the monitor view (`m`): a watcher batch of 125 moves -> frame (sparklines and header), and
 *     a trend sample with the top reasons regrouped from the whole store (at most every 10 s),
 *     and its idle CPU over 10 s with the trend timer sampling every second
 *
 * Ink's output caches are shared across frames as in `postq` (src/ui/ink-output-cache.ts).
 * Baseline in the same run: the time to render a frame of the same App with an empty store.
 * Prints a table (bench/report.ts); exports runConsoleBench() for bench/run.ts.
 */
import React from 'react';
import { render } from 'ink';
import { QUEUE_NAMES } from '../src/domain/queue.js';
import { selectTopReasons } from '../src/store/groupings.js';
import { startTrendFeed } from '../src/cli/trend-feed.js';
import { TREND_STEP_SECONDS } from '../src/store/trends.js';
import { App } from '../src/ui/app.js';
import { consoleRenderOptions } from '../src/ui/render-console.js';
import { shareInkOutputCaches } from '../src/ui/ink-output-cache.js';
import { machineLines, median, ms, percentile, printTable, ratioOf, type Row } from './report.js';
import { isFrame, keyboard, KEY_PERIOD_MS, mount, sleep, syntheticEntries, THRESHOLDS } from './console-harness.js';

const BURSTS = 6;
const BURST_EVENTS = 5000;
/** The watcher hands over what ~25 ms of events changed: 125 moves per batch, 5,000 per s. */
const PER_BATCH = 125;
const BATCH_MS = 25;
const IDLE_MS = 10_000;
/** Wide enough for the header's sparklines (they drop out at 80 columns). */
const WIDE = 160;

export async function runConsoleBench(messages = Number(process.env.BENCH_MESSAGES ?? 100_000)): Promise<Row[]> {
  // As src/cli/console-command.ts does before the first frame.
  if (!(await shareInkOutputCaches())) throw new Error('console bench: Ink output caches not shared (Ink layout changed?)');
  const entries = syntheticEntries(messages);

  // Baseline: the same frame with an empty store.
  const empty = mount([]);
  await sleep(200);
  const baseline: number[] = [];
  const baselineCpu: number[] = [];
  const emptyKey = keyboard(empty.term);
  for (let i = 0; i < 20; i++) {
    const r = await emptyKey(i % 2 ? 's' : 'S');
    if (r) (baseline.push(r.latency), baselineCpu.push(r.cpu));
  }
  empty.unmount();

  const m = mount(entries);
  await sleep(500);
  const key = keyboard(m.term);
  const inPage: number[] = [];
  const inPageBytes: number[] = [];
  const inPageCpu: number[] = [];
  const scroll: number[] = [];
  const scrollBytes: number[] = [];
  const half: number[] = [];
  const listRows = m.store.getState().viewportHeight;
  // 12 rounds of a page: 252 keys, so the p99 is not just the second-worst key.
  for (let round = 0; round < 12; round++) {
    await key('g');
    for (let i = 0; i < listRows - 1; i++) {
      const r = await key('j');
      if (r) (inPage.push(r.latency), inPageBytes.push(r.bytes), inPageCpu.push(r.cpu));
    }
    for (let i = 0; i < 5; i++) {
      const r = await key('j');
      if (r) (scroll.push(r.latency), scrollBytes.push(r.bytes));
    }
    const h = await key('ctrl+d');
    if (h) half.push(h.latency);
  }

  // The bursts: each moves its own 5,000 deferred messages to hold, in watcher-sized batches,
  // while keys go on (mostly j, some k) until the store holds every move of the burst.
  const deferred = entries.filter((e) => e.queueName === 'deferred');
  const perBurst = Math.min(BURST_EVENTS, Math.floor(deferred.length / BURSTS));
  const during: number[] = [];
  const catchUp: number[] = [];
  const holdCount = () => m.store.getState().queueStats.hold.count;
  for (let b = 0; b < BURSTS; b++) {
    const moves = deferred.slice(b * perBurst, (b + 1) * perBurst);
    const target = holdCount() + moves.length;
    await key('g');
    let lastEventAt = Infinity;
    const burst = (async () => {
      for (let i = 0; i < moves.length; i += PER_BATCH) {
        const upserts = moves.slice(i, i + PER_BATCH).map((e) => ({ ...e, queueName: 'hold' as const, path: `hold/${e.queueId}` }));
        m.gate.push({ upserts, removals: [], full: false, firstEventAt: Date.now() });
        if (i + PER_BATCH >= moves.length) lastEventAt = performance.now();
        else await sleep(BATCH_MS);
      }
    })();
    const deadline = performance.now() + 30_000;
    for (let k = 0; holdCount() < target && performance.now() < deadline; k++) {
      const r = await key(k % 7 === 6 ? 'k' : 'j');
      if (r) during.push(r.latency);
    }
    await burst;
    catchUp.push(performance.now() - lastEventAt);
    await sleep(300);
  }
  m.gate.flush();
  const finalHold = holdCount();
  m.unmount();

  // The header with levels on every queue: the same in-page keys, 4 rounds.
  const t = mount(entries, THRESHOLDS);
  await sleep(500);
  const tKey = keyboard(t.term);
  const levelled: number[] = [];
  for (let round = 0; round < 4; round++) {
    await tKey('g');
    for (let i = 0; i < listRows - 1; i++) {
      const r = await tKey('j');
      if (r) levelled.push(r.latency);
    }
  }
  // The header with a depth sparkline per queue (160 columns, where it has room): the same
  // in-page keys once trend samples exist, and idle CPU with a sample every second, each redrawn.
  const w = mount(entries, undefined, WIDE);
  for (let i = 0; i < 6; i++) w.store.getState().recordTrend();
  await sleep(500);
  const wKey = keyboard(w.term);
  await wKey('g');
  if (!/[▁▂▃▄▅▆▇█]/.test(w.term.screen.lines()[1] ?? '')) throw new Error(`console bench: no sparklines in the ${WIDE}-column header:\n${w.term.screen.lines().slice(0, 3).join('\n')}`);
  const sparkled: number[] = [];
  for (let round = 0; round < 4; round++) {
    await wKey('g');
    for (let i = 0; i < listRows - 1; i++) {
      const r = await wKey('j');
      if (r) sparkled.push(r.latency);
    }
  }
  const wideIdle = async (sampleEveryMs: number | null) => {
    const stop = sampleEveryMs === null ? () => {} : startTrendFeed(w.store, sampleEveryMs);
    const [c0, w0, v0] = [process.cpuUsage(), performance.now(), w.store.getState().trendVersion];
    await sleep(IDLE_MS);
    const c = process.cpuUsage(c0);
    stop();
    return { cpu: ((c.user + c.system) / 1000 / (performance.now() - w0)) * 100, samples: w.store.getState().trendVersion - v0 };
  };
  const sparkQuiet = await wideIdle(null);
  const sparkIdle = await wideIdle(1000);
  // As for the monitor below: CPU per drawn sample, then at postq's rate of one per 10 s.
  const sparkPerSampleMs = sparkIdle.samples > 0 ? ((sparkIdle.cpu - sparkQuiet.cpu) / 100) * IDLE_MS / sparkIdle.samples : 0;
  const sparkAtPostqRate = sparkQuiet.cpu + (sparkPerSampleMs / (TREND_STEP_SECONDS * 1000)) * 100;
  w.unmount();

  // The monitor view: watcher batches (125 moves each, straight to the store) -> frame.
  await tKey('m');
  const monitorFrames: number[] = [];
  const held = t.store.getState();
  const movable = [...held.entries.values()].filter((e) => e.queueName === 'deferred').slice(0, 40 * PER_BATCH);
  for (let i = 0; i < movable.length; i += PER_BATCH) {
    const from = t.term.stdout.chunks.length;
    const t0 = performance.now();
    const upserts = movable.slice(i, i + PER_BATCH).map((e) => ({ ...e, queueName: 'hold' as const, path: `hold/${e.queueId}` }));
    t.store.getState().applySpoolBatch({ upserts, removals: [], full: false, firstEventAt: null });
    const deadline = t0 + 5000;
    let done = false;
    while (!done && performance.now() < deadline) {
      for (let c = from; c < t.term.stdout.chunks.length && !done; c++) {
        if (isFrame(t.term.stdout.chunks[c]!)) (monitorFrames.push(t.term.stdout.times[c]! - t0), (done = true));
      }
      if (!done) await new Promise((r) => setImmediate(r));
    }
    await sleep(BATCH_MS);
  }
  // A trend sample in the monitor (at most every 10 s): the top reasons regrouped from the store.
  const sampleMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const moved = movable.slice(i * PER_BATCH, (i + 1) * PER_BATCH).map((e) => ({ ...e, queueName: 'deferred' as const, path: `deferred/${e.queueId}` }));
    t.store.getState().applySpoolBatch({ upserts: moved, removals: [], full: false, firstEventAt: null });
    const t0 = performance.now();
    t.store.getState().recordTrend();
    selectTopReasons(t.store.getState(), QUEUE_NAMES.filter((q) => q !== 'corrupt'));
    sampleMs.push(performance.now() - t0);
  }
  // Idle in the monitor view: 10 s without the trend timer, 10 s with it sampling every second
  // (10x postq's rate; the rings still filling, every sample draws: the first hour's worst).
  const idleCpu = async (): Promise<number> => {
    const [c0, w0] = [process.cpuUsage(), performance.now()];
    await sleep(IDLE_MS);
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) / 1000 / (performance.now() - w0)) * 100;
  };
  await sleep(500);
  const idleQuiet = await idleCpu();
  const versionBefore = t.store.getState().trendVersion;
  const stopTrends = startTrendFeed(t.store, 1000);
  const idleSampling = await idleCpu();
  stopTrends();
  const drawnSamples = t.store.getState().trendVersion - versionBefore;
  // CPU per sample (ms), and what that is at postq's rate of one sample per 10 s.
  const perSampleMs = drawnSamples > 0 ? ((idleSampling - idleQuiet) / 100) * IDLE_MS / drawnSamples : 0;
  const atPostqRate = idleQuiet + (perSampleMs / (TREND_STEP_SECONDS * 1000)) * 100;
  t.unmount();

  const all = [...inPage, ...scroll, ...half];
  const p99 = percentile(all, 99);
  const burstP99 = percentile(during, 99);
  const maxBytes = Math.max(...inPageBytes);
  return [
    { metric: `key -> frame p50 / p99, ${messages} msgs, 80x24 (${all.length} keys)`, value: `${ms(percentile(all, 50))} / ${ms(p99)}`, baseline: `${ms(median(baseline))} empty store`, ratio: ratioOf(median(all), median(baseline)), goal: 'p99 <= 30 ms', ok: p99 !== null && p99 <= 30 },
    { metric: 'CPU per in-page cursor move (p50 / p99)', value: `${ms(median(inPageCpu))} / ${ms(percentile(inPageCpu, 99))}`, baseline: `${ms(median(baselineCpu))} empty store`, ratio: ratioOf(median(inPageCpu), median(baselineCpu)) },
    { metric: 'key -> frame: cursor in page / scroll / half page (p50)', value: `${ms(median(inPage))} / ${ms(median(scroll))} / ${ms(median(half))}`, baseline: '' },
    { metric: 'bytes per cursor move in the page, 80x24 (median / max)', value: `${median(inPageBytes)} / ${maxBytes} B`, baseline: `${median(scrollBytes)} B per scrolling move`, goal: '<= 600 B', ok: maxBytes <= 600 },
    { metric: `keys during ${BURSTS} bursts of ${perBurst} events, p50 / p99 (${during.length} keys)`, value: `${ms(percentile(during, 50))} / ${ms(burstP99)}`, baseline: `max ${ms(Math.max(...during))}, hold count ${finalHold}`, goal: 'p99 <= 30 ms', ok: burstP99 !== null && burstP99 <= 30 },
    { metric: `header with thresholds on every queue: in-page key -> frame p50 / p99 (${levelled.length} keys)`, value: `${ms(median(levelled))} / ${ms(percentile(levelled, 99))}`, baseline: `${ms(median(inPage))} / ${ms(percentile(inPage, 99))} without`, ratio: ratioOf(median(levelled), median(inPage)), goal: 'p99 <= 30 ms', ok: (percentile(levelled, 99) ?? 99) <= 30 },
    { metric: `header with sparklines (${WIDE}x24): in-page key -> frame p50 / p99 (${sparkled.length} keys)`, value: `${ms(median(sparkled))} / ${ms(percentile(sparkled, 99))}`, baseline: `${ms(median(inPage))} / ${ms(percentile(inPage, 99))} at 80x24, no sparklines`, ratio: ratioOf(median(sparkled), median(inPage)), goal: 'p99 <= 30 ms', ok: (percentile(sparkled, 99) ?? 99) <= 30 },
    { metric: `header with sparklines idle, a trend sample every second for ${IDLE_MS / 1000} s (${sparkIdle.samples} drawn): CPU`, value: `${sparkIdle.cpu.toFixed(2)} %, ${ms(sparkPerSampleMs)} per sample`, baseline: `${sparkQuiet.cpu.toFixed(2)} % without the timer` },
    { metric: `header with sparklines idle at postq's rate (a sample every ${TREND_STEP_SECONDS} s), derived`, value: `${sparkAtPostqRate.toFixed(2)} %`, baseline: `${sparkQuiet.cpu.toFixed(2)} % without the timer`, goal: '< 1 %', ok: sparkAtPostqRate < 1 },
    { metric: `monitor view: a ${PER_BATCH}-move batch -> frame p50 / p99 (${monitorFrames.length} batches)`, value: `${ms(median(monitorFrames))} / ${ms(percentile(monitorFrames, 99))}`, baseline: `${ms(median(inPage))} in-page key -> frame` },
    { metric: 'monitor: a trend sample with the top reasons regrouped (median of 5; at most every 10 s)', value: ms(median(sampleMs)), baseline: `${messages} messages grouped by reason` },
    { metric: `monitor view idle, trend samples every second for ${IDLE_MS / 1000} s (${drawnSamples} drawn): CPU`, value: `${idleSampling.toFixed(2)} %, ${ms(perSampleMs)} per sample`, baseline: `${idleQuiet.toFixed(2)} % without the timer` },
    { metric: `monitor view idle at postq's rate (a sample every ${TREND_STEP_SECONDS} s), derived`, value: `${atPostqRate.toFixed(2)} %`, baseline: `${idleQuiet.toFixed(2)} % without the timer`, goal: '< 1 %', ok: atPostqRate < 1 },
    { metric: 'store holds all of a burst, after its last event (median / max)', value: `${ms(median(catchUp))} / ${ms(Math.max(...catchUp))}`, baseline: `keys every ${KEY_PERIOD_MS} ms throughout` },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of machineLines()) console.log(line);
  console.log(`NODE_ENV=${process.env.NODE_ENV ?? '(unset: React development build)'}`);
  // Not console.log: Ink's patched console is gone after the last unmount.
  printTable('postq console rendering', await runConsoleBench(), (line) => process.stdout.write(`${line}\n`));
  process.exit(0);
}
