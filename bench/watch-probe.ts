/**
 * The watcher under measurement, in its own process (so peak RSS is the watcher's): index the
 * spool into a Map (as the store would hold it), then optionally measure idle CPU, single-move
 * and burst latency (event -> sink), and restore the spool. Prints one JSON line.
 * Usage: node --import tsx bench/watch-probe.ts SPOOL index|full [MOVER.mjs] (run.ts runs it bundled)
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSpoolConfig } from '../src/config/spool-config.js';
import type { QueueEntry } from '../src/domain/entry.js';
import type { SpoolBatch } from '../src/domain/spool-batch.js';
import { createSpoolWatcher } from '../src/watch/spool-watcher.js';
import { mainThreadCpuMs } from './thread-cpu.js';

const [spoolArg, phase = 'index', moverArg] = process.argv.slice(2);
const config = resolveSpoolConfig({ spool: resolve(spoolArg!) });
const entries = new Map<string, QueueEntry>();
/** id -> hrtime ns when the sink first saw it in hold. */
const seenInHold = new Map<string, bigint>();
let waiter: { id: string; resolve: () => void } | null = null;
let countsAt: number | null = null;
let countsCpuMs: number | null = null;

/** Time this process spent runnable but waiting for a CPU (ns), from /proc/self/schedstat. */
const runQueueWaitMs = () => {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function sink(batch: SpoolBatch) {
  if (batch.listedCounts && countsAt === null) {
    countsAt = performance.now();
    countsCpuMs = cpuMs() - cpu0;
  }
  const now = process.hrtime.bigint();
  if (batch.full) entries.clear();
  for (const e of batch.upserts) {
    entries.set(e.queueId, e);
    if (e.queueName === 'hold' && !seenInHold.has(e.queueId)) {
      seenInHold.set(e.queueId, now);
      if (waiter?.id === e.queueId) waiter.resolve();
    }
  }
  for (const id of batch.removals) entries.delete(id);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// POSTQ_SNAPSHOT: warm start from (and save to) that snapshot file, as the console does.
// 'off' means none, as it does for the CLI (it was taken as a file named off).
const snapshotFile = process.env.POSTQ_SNAPSHOT === 'off' ? undefined : process.env.POSTQ_SNAPSHOT;
// BENCH_BG_SAVE=1: the background save starts right after the index, and the probe waits for it before stop().
const backgroundSave = process.env.BENCH_BG_SAVE === '1';
const watcher = createSpoolWatcher(config, sink, snapshotFile ? { snapshot: { path: snapshotFile, version: 'bench' }, ...(backgroundSave ? { snapshotSaveDelayMs: 0 } : {}) } : {});
const t0 = performance.now();
const cpu0 = cpuMs();
const mainCpu0 = mainThreadCpuMs();
const wait0 = runQueueWaitMs();
await watcher.start();
const result: Record<string, unknown> = {
  indexMs: performance.now() - t0,
  indexDoneSinceProcessStartMs: performance.now(),
  // As the console-fill probe's filledCpuMs: from process start, all threads and the main thread.
  indexDoneCpuSinceProcessStartMs: cpuMs(),
  indexDoneMainThreadCpuSinceProcessStartMs: mainThreadCpuMs(),
  firstCountsMs: countsAt === null ? null : countsAt - t0,
  firstCountsSinceProcessStartMs: countsAt,
  indexCpuMs: cpuMs() - cpu0,
  indexMainThreadCpuMs: mainThreadCpuMs() - mainCpu0,
  indexRunQueueWaitMs: runQueueWaitMs() - wait0,
  firstCountsCpuMs: countsCpuMs,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  memoryAtEnd: process.memoryUsage(),
  entries: entries.size,
  watches: watcher.stats.watches,
  longestSliceMs: watcher.stats.longestSliceMs,
  readWorkers: watcher.stats.readWorkers,
  snapshotTrusted: watcher.stats.snapshotTrusted,
  snapshotStale: watcher.stats.snapshotStale,
  snapshotIgnored: watcher.stats.snapshotIgnored,
};

if (phase === 'full') {
  await sleep(1000);
  const idle0 = cpuMs();
  const idleStart = performance.now();
  await sleep(10_000);
  result.idleCpuPercent = ((cpuMs() - idle0) / (performance.now() - idleStart)) * 100;
  result.reconcilesDuringIdle = watcher.stats.reconciles;

  const deferred = [...entries.values()].filter((e) => e.queueName === 'deferred');
  const moved: Array<[string, string]> = [];
  const single: number[] = [];
  for (const e of deferred.slice(0, 20)) {
    const to = `hold/${e.queueId}`;
    const seen = new Promise<void>((r) => (waiter = { id: e.queueId, resolve: r }));
    const t = process.hrtime.bigint();
    renameSync(join(config.queueDirectory, e.path), join(config.queueDirectory, to));
    moved.push([e.path, to]);
    await Promise.race([seen, sleep(10_000)]);
    const at = seenInHold.get(e.queueId);
    if (at) single.push(Number(at - t) / 1e6);
    await sleep(50);
  }
  result.singleLatencyMs = single;

  const burst = deferred.slice(20, 5020).map((e) => [e.path, `hold/${e.queueId}`] as [string, string]);
  const list = join(tmpdir(), `postq-bench-moves-${process.pid}.tsv`);
  writeFileSync(list, burst.map((m) => m.join('\t')).join('\n') + '\n');
  const burstCpu0 = cpuMs();
  const burstWait0 = runQueueWaitMs();
  const moverArgs = moverArg ? [moverArg] : ['--import', 'tsx', fileURLToPath(new URL('./mover.ts', import.meta.url))];
  const mover = spawn(process.execPath, [...moverArgs, list, config.queueDirectory, '1000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  mover.stdout.on('data', (d) => (out += d));
  await new Promise((r) => mover.on('exit', r));
  const ids = burst.map((m) => m[1].slice(5));
  const deadline = Date.now() + 60_000;
  while (ids.some((id) => !seenInHold.has(id)) && Date.now() < deadline) await sleep(20);
  const times = out.split('\n').filter(Boolean).map((l) => BigInt(l.split(' ')[1]!));
  result.burstLatencyMs = ids.flatMap((id, i) => (seenInHold.has(id) && times[i] ? [Number(seenInHold.get(id)! - times[i]!) / 1e6] : []));
  result.burstMoves = burst.length;
  result.burstSeen = ids.filter((id) => seenInHold.has(id)).length;
  result.burstCpuMs = cpuMs() - burstCpu0;
  result.burstRunQueueWaitMs = runQueueWaitMs() - burstWait0;
  result.stats = watcher.stats;
  watcher.stop();
  // Put the spool back as it was for the next run.
  for (const [from, to] of [...moved, ...burst]) renameSync(join(config.queueDirectory, to), join(config.queueDirectory, from));
} else {
  if (backgroundSave) {
    const b0 = performance.now();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    while (watcher.stats.snapshotSaves === 0 && watcher.stats.snapshotSaveError === null && performance.now() - b0 < 300_000) await sleep(20);
    result.backgroundSaveMs = performance.now() - b0;
    delay.disable();
    // The longest the event loop waited meanwhile (keys and frames in a console).
    result.backgroundSaveMaxDelayMs = delay.max / 1e6;
  }
  const s0 = performance.now();
  watcher.stop();
  result.stopMs = performance.now() - s0;
  result.savedAtStop = watcher.stats.snapshotSavedAtStop;
  result.snapshotSaveError = watcher.stats.snapshotSaveError;
}
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
