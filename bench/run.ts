/**
 * `npm run bench`: build (or reuse) a spool of BENCH_MESSAGES messages (default 100,000) and
 * measure, side by side in the same run, postq's watcher against Postfix's own reader and the
 * cost of reading every file: full index vs `postqueue -c DIR -j` and vs `find | xargs cat`,
 * time to first counts, peak RSS, event->sink latency (single moves and a 5,000-move burst from
 * another process) and idle CPU. BENCH_RUNS (default 3) index runs, medians reported.
 * Prints a table; results are not committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';
import type { Probe } from './probe-result.js';
// @ts-expect-error: a plain .mjs build script without types
import { inlineReadWorker } from '../scripts/inline-read-worker.mjs';
// @ts-expect-error: a plain .mjs build script without types
import { bundleAdaptations, SHIPPED_MINIFY } from '../scripts/bundle-adaptations.mjs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConsoleBench } from './console-bench.js';
import { runGroupsBench } from './groups-bench.js';
import { runLogBench } from './log-bench.js';
import { runFleetBench } from './fleet-bench.js';
import { runStatsBench } from './stats-bench.js';
import { ensureSpool } from './make-spool.js';
import { machineLines, mb, median, ms, pct, percentile, printTable, ratioOf, type Row } from './report.js';

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const workDir = process.env.BENCH_DIR ?? join(tmpdir(), 'postq-bench');
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
// The probe runs as one esbuild bundle, like the shipped single file (no tsx loader in its RSS).
const probe = join(workDir, 'watch-probe.mjs');
const mover = join(workDir, 'mover.mjs');
mkdirSync(workDir, { recursive: true });
// The createRequire banner, as scripts/bundle.mjs: bundled CommonJS (iconv-lite under
// libmime) requires Node built-ins, which an ES module bundle cannot do by itself.
const banner = { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" };
for (const [entry, outfile] of [['watch-probe.ts', probe], ['mover.ts', mover]] as const) {
  // With the read workers inline, as in dist/postq.mjs.
  await build({ entryPoints: [fileURLToPath(new URL(`./${entry}`, import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error', banner, plugins: [inlineReadWorker()] });
}

// The console-fill probe: the whole console (React, Ink) bundled as the shipped single file is,
// with its adaptations (Ink's output caches shared, etc.: scripts/bundle-adaptations.mjs).
const fillProbe = join(workDir, 'console-fill-probe.mjs');
await build({ entryPoints: [fileURLToPath(new URL('./console-fill-probe.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: fillProbe, logLevel: 'error', banner, define: { 'process.env.NODE_ENV': '"production"' }, ...SHIPPED_MINIFY, plugins: [bundleAdaptations(), inlineReadWorker()] });

// The shipped single file (scripts/bundle.mjs), for its own list --json row: what a mail server
// without npm runs parses the whole console's code in each thread (dist/cli.js loads only what list imports).
const shippedBundle = join(workDir, 'postq.mjs');
rmSync(shippedBundle, { force: true }); // never a stale one from an earlier run
spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/bundle.mjs', import.meta.url)), '--outfile', shippedBundle], { stdio: 'ignore' });

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
/** CPU (user+sys) of the last wall() command and its children, when /usr/bin/time exists. */
let lastCpuMs: number | null = null;
/** Peak RSS (bytes) of the last wall() command, when /usr/bin/time exists. */
let lastRssBytes: number | null = null;

function wall(command: string, args: string[]): number {
  const t = performance.now();
  const argv = TIME ? ['-f', 'postq-bench-cpu %U %S %M', command, ...args] : args;
  const r = spawnSync(TIME ?? command, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8' });
  const elapsed = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /postq-bench-cpu ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  lastCpuMs = m ? (Number(m[1]) + Number(m[2])) * 1000 : null;
  lastRssBytes = m ? Number(m[3]) * 1024 : null;
  return elapsed;
}

function runProbe(spool: string, phase: 'index' | 'full', env: NodeJS.ProcessEnv = {}): Probe {
  const t = performance.now();
  const out = execFileSync(process.execPath, [probe, spool, phase, mover], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Probe;
  result.processWallMs = performance.now() - t;
  return result;
}

for (const line of machineLines()) console.log(line);
const spool = ensureSpool(workDir, messages, log);
console.log(`spool: ${messages} messages, ${spool.how}${spool.configDir ? `; postqueue -c ${spool.configDir}` : '; no Postfix config (postqueue row n/a)'}`);

const catArgsFor = (dir: string) => ['-c', `find "$1"/maildrop "$1"/incoming "$1"/active "$1"/deferred "$1"/hold "$1"/defer -type f -print0 | xargs -0 cat > /dev/null`, 'sh', dir];
const catArgs = catArgsFor(spool.spool);
// BENCH_CAT=0 skips the cat rows (on a loaded machine one pass over 1.4 GB took minutes).
const withCat = process.env.BENCH_CAT !== '0';
if (withCat) {
  log('warming the page cache (one cat pass) ...');
  wall('sh', catArgs);
}
const postq: Probe[] = [];
const postqueue: number[] = [];
const postqueueCpu: number[] = [];
const cat: number[] = [];
const listJson: number[] = [];
const listRss: number[] = [];
const bundleListJson: number[] = [];
const bundleListRss: number[] = [];
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// BENCH_WATCH=warm,fill (default both): the warm-start and console-fill rows of the watcher table.
const tablesWanted = new Set((process.env.BENCH_WATCH ?? 'warm,fill').split(','));
if (!existsSync(CLI)) throw new Error('bench: build first (npm run build): the list rows run dist/cli.js');
for (let i = 0; i < runs; i++) {
  log(`run ${i + 1}/${runs}: postqueue -j, cat, postq index ...`);
  if (spool.configDir) {
    postqueue.push(wall('postqueue', ['-c', spool.configDir, '-j']));
    if (lastCpuMs !== null) postqueueCpu.push(lastCpuMs);
  }
  if (withCat) cat.push(wall('sh', catArgs));
  // What scripts run: the built CLI, output to /dev/null, beside postqueue -j.
  log(`run ${i + 1}/${runs}: postq list --json ...`);
  listJson.push(wall(process.execPath, [CLI, 'list', '--json', '--spool', spool.spool]));
  if (lastRssBytes !== null) listRss.push(lastRssBytes);
  if (existsSync(shippedBundle)) {
    bundleListJson.push(wall(process.execPath, [shippedBundle, 'list', '--json', '--spool', spool.spool]));
    if (lastRssBytes !== null) bundleListRss.push(lastRssBytes);
  }
  postq.push(runProbe(spool.spool, 'index'));
  if (postq.at(-1)!.entries !== messages) log(`warning: postq indexed ${postq.at(-1)!.entries} of ${messages}`);
}
// Warm start: one run reads the spool and saves its snapshot at stop, the next ones start from
// it (listing + lstat per file), each beside a postqueue -j run.
const snapshotFile = join(workDir, 'warm-start.snapshot');
rmSync(snapshotFile, { force: true });
const warm: Probe[] = [];
const warmPostqueue: number[] = [];
let priming: Probe | null = null;
if (tablesWanted.has('warm')) {
  log('warm start: a priming run saves the snapshot ...');
  priming = runProbe(spool.spool, 'index', { POSTQ_SNAPSHOT: snapshotFile, BENCH_BG_SAVE: '1' });
}
const snapshotBytes = existsSync(snapshotFile) ? statSync(snapshotFile).size : null;
for (let i = 0; priming && i < runs; i++) {
  log(`warm start ${i + 1}/${runs}: postqueue -j, postq from the snapshot ...`);
  if (spool.configDir) warmPostqueue.push(wall('postqueue', ['-c', spool.configDir, '-j']));
  warm.push(runProbe(spool.spool, 'index', { POSTQ_SNAPSHOT: snapshotFile }));
}
// The console from process start to every row on screen, beside the watcher alone (process
// start to the end of its index), alternating; then one run with keys pressed during the fill.
interface Fill { inkOutputCaches: boolean; indexDoneMs: number; filledMs: number; filledCpuMs: number; filledMainThreadCpuMs: number; watcherStartMs: number; frameMs: number | null; entries: number; listed: number; keyLatencyMs: number[]; maxRssBytes: number }
const runFill = (mode: 'fill' | 'keys'): Fill => {
  const fill = JSON.parse(execFileSync(process.execPath, [fillProbe, spool.spool, fileURLToPath(new URL('../themes/default.json', import.meta.url)), mode], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, POSTQ_SNAPSHOT: 'off' } }).trim().split('\n').at(-1)!) as Fill;
  return fill.inkOutputCaches ? fill : (() => { throw new Error('bench: the console-fill probe ran without the bundle\'s Ink output caches (not as postq ships)'); })();
};
const fills: Fill[] = [];
const fillIndex: Probe[] = [];
if (tablesWanted.has('fill')) {
  for (let i = 0; i < runs; i++) {
    log(`console fill ${i + 1}/${runs}: the console, then the watcher alone ...`);
    fills.push(runFill('fill'));
    fillIndex.push(runProbe(spool.spool, 'index'));
  }
  log('console fill with keys every 33 ms ...');
  fills.push(runFill('keys'));
}
const live: Probe = process.env.BENCH_LIVE === '0' ? ({ ...postq[0]!, singleLatencyMs: [], burstLatencyMs: [] } as Probe) : (log('latency and idle run (10 s idle, 20 single moves, a 5,000-move burst from another process) ...'), runProbe(spool.spool, 'full'));

const indexMs = median(postq.map((p) => p.indexMs));
const postqueueMs = median(postqueue);
const catMs = median(cat);
const counts = median(postq.map((p) => p.firstCountsMs ?? Number.NaN));
const rss = Math.max(...postq.map((p) => p.maxRssBytes), live.maxRssBytes);
const single = live.singleLatencyMs ?? [];
const burst = live.burstLatencyMs ?? [];
const listMs = median(listJson);
const listPeak = listRss.length ? Math.max(...listRss) : null;
const bundleListPeak = bundleListRss.length ? Math.max(...bundleListRss) : null;
const rows: Row[] = [
  { metric: `postq list --json, ${messages} msgs (streams), vs postqueue -j`, value: ms(listMs), baseline: spool.configDir ? `${ms(postqueueMs)} postqueue -j` : 'n/a (no Postfix)', ratio: ratioOf(listMs, postqueueMs), goal: '<= 1.0', ok: postqueueMs == null ? undefined : (ratioOf(listMs, postqueueMs) ?? 99) <= 1 },
  { metric: 'postq list --json peak RSS', value: mb(listPeak), baseline: '', goal: '<= 100 MiB', ok: listPeak == null ? undefined : listPeak <= 100 * 2 ** 20 },
  { metric: 'the same from the single-file bundle (node postq.mjs): time, peak RSS', value: bundleListPeak == null ? 'n/a' : `${ms(median(bundleListJson))}, ${mb(bundleListPeak)}`, baseline: `${ms(postqueueMs)} postqueue -j`, ratio: ratioOf(median(bundleListJson), postqueueMs), goal: '<= 100 MiB', ok: bundleListPeak == null ? undefined : bundleListPeak <= 100 * 2 ** 20 },
  { metric: `full index, ${messages} msgs (${postq[0]!.readWorkers} read workers), vs postqueue -j`, value: ms(indexMs), baseline: spool.configDir ? `${ms(postqueueMs)} postqueue -j` : 'n/a (no Postfix)', ratio: ratioOf(indexMs, postqueueMs), goal: '<= 0.8', ok: postqueueMs == null ? undefined : (ratioOf(indexMs, postqueueMs) ?? 99) <= 0.8 },
  { metric: 'full index vs reading every file (cat)', value: ms(indexMs), baseline: `${ms(catMs)} find|xargs cat`, ratio: ratioOf(indexMs, catMs) },
  { metric: 'index CPU (user+sys) vs postqueue -j CPU', value: ms(median(postq.map((p) => p.indexCpuMs))), baseline: postqueueCpu.length ? `${ms(median(postqueueCpu))} postqueue -j` : 'n/a', ratio: ratioOf(median(postq.map((p) => p.indexCpuMs)), median(postqueueCpu)) },
  { metric: 'index: runnable but waiting for a CPU', value: ms(median(postq.map((p) => p.indexRunQueueWaitMs))), baseline: '(machine load, /proc/self/schedstat)' },
  { metric: 'node start + index, process wall', value: ms(median(postq.map((p) => p.processWallMs))), baseline: spool.configDir ? `${ms(postqueueMs)} postqueue -j` : '', ratio: ratioOf(median(postq.map((p) => p.processWallMs)), postqueueMs) },
  { metric: 'time to first counts (from start())', value: ms(counts), baseline: `${ms(postqueueMs)} postqueue -j`, ratio: ratioOf(counts, postqueueMs), goal: '< 300 ms', ok: counts != null && counts < 300 },
  { metric: 'CPU used until the first counts', value: ms(median(postq.map((p) => p.firstCountsCpuMs ?? Number.NaN))), baseline: '' },
  { metric: 'first counts since process start', value: ms(median(postq.map((p) => p.firstCountsSinceProcessStartMs ?? Number.NaN))), baseline: '' },
  { metric: 'longest main-thread slice while indexing', value: ms(median(postq.map((p) => p.longestSliceMs))), baseline: '' },
  { metric: `peak RSS with ${messages} entries held`, value: mb(rss), goal: '<= 250 MiB', ok: rss <= 250 * 2 ** 20 },
  { metric: 'inotify watches (one per directory)', value: String(live.watches), baseline: `${messages} files`, ratio: ratioOf(live.watches, messages) },
];
// BENCH_LIVE=0 ran no latency or idle run: its rows are left out rather than shown as failed.
if (process.env.BENCH_LIVE !== '0') rows.push(
  { metric: 'latency single move p50 / p99', value: `${ms(percentile(single, 50))} / ${ms(percentile(single, 99))}`, baseline: `${single.length} moves`, goal: 'p99 <= 250 ms', ok: (percentile(single, 99) ?? 1e9) <= 250 },
  { metric: `latency, burst of ${live.burstMoves} moves in 1 s, p50 / p99`, value: `${ms(percentile(burst, 50))} / ${ms(percentile(burst, 99))}`, baseline: `${live.burstSeen}/${live.burstMoves} seen`, goal: 'p99 <= 250 ms', ok: live.burstSeen === live.burstMoves && (percentile(burst, 99) ?? 1e9) <= 250 },
  { metric: 'watcher CPU for the burst', value: ms(live.burstCpuMs), baseline: `${ms(live.burstRunQueueWaitMs)} waiting for a CPU` },
  { metric: 'idle CPU over 10 s, nothing moving', value: pct(live.idleCpuPercent), baseline: `${live.reconcilesDuringIdle} reconciles`, goal: '< 1 %', ok: (live.idleCpuPercent ?? 100) < 1 },
);
const warmMs = median(warm.map((p) => p.indexMs));
const warmPq = median(warmPostqueue);
if (warm.length > 0) rows.push(
  { metric: `warm start from the snapshot, ${messages} msgs, vs postqueue -j`, value: ms(warmMs), baseline: spool.configDir ? `${ms(warmPq)} postqueue -j` : 'n/a (no Postfix)', ratio: ratioOf(warmMs, warmPq), goal: '<= 0.3', ok: spool.configDir ? (ratioOf(warmMs, warmPq) ?? 99) <= 0.3 : undefined },
  { metric: 'warm start vs the cold index (same run)', value: ms(warmMs), baseline: `${ms(indexMs)} cold index`, ratio: ratioOf(warmMs, indexMs) },
  { metric: 'warm start: main-thread CPU (the lstats go to the read workers)', value: ms(median(warm.map((p) => p.indexMainThreadCpuMs ?? Number.NaN))), baseline: `${ms(median(warm.map((p) => p.indexCpuMs)))} process CPU` },
  { metric: 'warm start: files taken from the snapshot unread', value: `${warm.at(-1)!.snapshotTrusted} of ${warm.at(-1)!.entries}`, baseline: `${warm.at(-1)!.snapshotStale} stale; ${warm.at(-1)!.snapshotIgnored ?? 'used'}` },
  { metric: 'warm start peak RSS', value: mb(Math.max(...warm.map((p) => p.maxRssBytes))), baseline: `${mb(rss)} cold`, goal: '<= 250 MiB', ok: Math.max(...warm.map((p) => p.maxRssBytes)) <= 250 * 2 ** 20 },
  { metric: 'snapshot saved in the background after the index (sliced capture, write, fsync, rename)', value: ms(priming?.backgroundSaveMs), baseline: `${snapshotBytes === null ? 'not written' : `${(snapshotBytes / 2 ** 20).toFixed(1)} MiB file`}; longest event-loop wait ${ms(priming?.backgroundSaveMaxDelayMs)}` },
  { metric: 'exit (stop) once the background save is done', value: ms(priming?.stopMs), baseline: `${ms(median(warm.map((p) => p.stopMs ?? Number.NaN)))} save at stop when none was written yet (warm runs)`, goal: '< 100 ms', ok: (priming?.stopMs ?? 1e9) < 100 && priming?.savedAtStop === false },
);
if (fills.length > 0) {
  const plain = fills.slice(0, -1);
  const withKeys = fills.at(-1)!;
  const fillMs = median(plain.map((f) => f.frameMs ?? Number.NaN));
  const aloneMs = median(fillIndex.map((p) => p.indexDoneSinceProcessStartMs ?? Number.NaN));
  const fillRss = Math.max(...fills.map((f) => f.maxRssBytes));
  const keyP99 = percentile(withKeys.keyLatencyMs, 99);
  rows.push(
    { metric: `console: process start to every row on screen, ${messages} msgs, vs the watcher alone`, value: ms(fillMs), baseline: `${ms(aloneMs)} watcher index (process start to done)`, ratio: ratioOf(fillMs, aloneMs), goal: '<= 1.2', ok: (ratioOf(fillMs, aloneMs) ?? 99) <= 1.2 },
    { metric: 'console fill: store complete -> frame drawn (median)', value: ms(median(plain.map((f) => (f.frameMs ?? Number.NaN) - f.filledMs))), baseline: `index done -> store complete ${ms(median(plain.map((f) => f.filledMs - f.indexDoneMs)))}` },
    { metric: 'console: its watcher started, since process start (median)', value: ms(median(plain.map((f) => f.watcherStartMs))), baseline: `${ms(median(fillIndex.map((p) => (p.indexDoneSinceProcessStartMs ?? Number.NaN) - p.indexMs)))} watcher alone` },
    // CPU suffers less from the machine's load than wall time: what the console adds to the watcher's work.
    { metric: 'console fill CPU, process start to store complete: all threads / main thread', value: `${ms(median(plain.map((f) => f.filledCpuMs)))} / ${ms(median(plain.map((f) => f.filledMainThreadCpuMs)))}`, baseline: `${ms(median(fillIndex.map((p) => p.indexDoneCpuSinceProcessStartMs ?? Number.NaN)))} / ${ms(median(fillIndex.map((p) => p.indexDoneMainThreadCpuSinceProcessStartMs ?? Number.NaN)))} watcher alone`, ratio: ratioOf(median(plain.map((f) => f.filledCpuMs)), median(fillIndex.map((p) => p.indexDoneCpuSinceProcessStartMs ?? Number.NaN))) },
    { metric: `console peak RSS with ${messages} messages`, value: mb(fillRss), baseline: '', goal: '<= 250 MiB', ok: fillRss <= 250 * 2 ** 20 },
    { metric: `key -> frame during the fill, p50 / p99 (${withKeys.keyLatencyMs.length} keys, one per 33 ms)`, value: `${ms(percentile(withKeys.keyLatencyMs, 50))} / ${ms(keyP99)}`, baseline: `max ${ms(Math.max(...withKeys.keyLatencyMs))}; fill with keys ${ms(withKeys.frameMs)}`, goal: 'p99 <= 50 ms', ok: keyP99 !== null && keyP99 <= 50 },
  );
  console.log(`console fill runs ms: ${plain.map((f) => (f.frameMs ?? Number.NaN).toFixed(0)).join(', ')}; watcher alone ms: ${fillIndex.map((p) => (p.indexDoneSinceProcessStartMs ?? Number.NaN).toFixed(0)).join(', ')}; paired ratios ${plain.map((f, i) => ((f.frameMs ?? Number.NaN) / (fillIndex[i]!.indexDoneSinceProcessStartMs ?? Number.NaN)).toFixed(2)).join(', ')}`);
}
if (warm.length === warmPostqueue.length) console.log(`paired ratios warm start/postqueue per run: ${warm.map((p, i) => (p.indexMs / warmPostqueue[i]!).toFixed(2)).join(', ')}`);
// Scale: the same index on a larger spool (BENCH_SCALE_SPOOL, BENCH_SCALE_MESSAGES), per message.
const scaleSpool = process.env.BENCH_SCALE_SPOOL;
if (scaleSpool) {
  const scaleMessages = Number(process.env.BENCH_SCALE_MESSAGES ?? 300_000);
  // The main spool was read several times before its index runs; the larger one must be in the
  // page cache too, or the row measures the disk: a cold 300k spool (4 GB) read 2.5x slower per
  // message than the cached 100k one, all of it in read(2), while a cached one reads no slower.
  log(`scale: warming the page cache for ${scaleSpool} (one cat pass, not measured) ...`);
  wall('sh', catArgsFor(scaleSpool));
  log(`scale: index of ${scaleMessages} messages (${scaleSpool}) ...`);
  const big = runProbe(scaleSpool, 'index');
  const small = postq[postq.length - 1]!;
  const perMsg = (v: number, n: number) => v / n;
  const us = (v: number, n: number) => `${(perMsg(v, n) * 1000).toFixed(1)} us`;
  rows.push(
    { metric: `scale: index time per message at ${big.entries} vs ${small.entries}`, value: us(big.indexMs, big.entries), baseline: us(small.indexMs, small.entries), ratio: ratioOf(perMsg(big.indexMs, big.entries), perMsg(small.indexMs, small.entries)), goal: '<= 1.10', ok: (ratioOf(perMsg(big.indexMs, big.entries), perMsg(small.indexMs, small.entries)) ?? 99) <= 1.1 },
    { metric: `scale: index CPU per message at ${big.entries} vs ${small.entries} (less swayed by the machine's load)`, value: us(big.indexCpuMs, big.entries), baseline: us(small.indexCpuMs, small.entries), ratio: ratioOf(perMsg(big.indexCpuMs, big.entries), perMsg(small.indexCpuMs, small.entries)) },
    { metric: `scale: peak RSS per message at ${big.entries} vs ${small.entries}`, value: `${(big.maxRssBytes / big.entries).toFixed(0)} B`, baseline: `${(small.maxRssBytes / small.entries).toFixed(0)} B`, ratio: ratioOf(big.maxRssBytes / big.entries, small.maxRssBytes / small.entries), goal: '<= 1.10', ok: (ratioOf(big.maxRssBytes / big.entries, small.maxRssBytes / small.entries) ?? 99) <= 1.1 },
  );
  if (big.entries !== scaleMessages) log(`warning: scale index saw ${big.entries} of ${scaleMessages}`);
}
printTable(`postq watcher, ${messages} messages, ${runs} index runs (medians)`, rows);
console.log('');
console.log(`raw: postq index ms ${postq.map((p) => p.indexMs.toFixed(0)).join(', ')}; postqueue -j ms ${postqueue.map((v) => v.toFixed(0)).join(', ') || 'n/a'}; cat ms ${cat.map((v) => v.toFixed(0)).join(', ')}`);
// Runs alternate postqueue and postq, so each pair saw about the same machine load.
if (postqueue.length === postq.length) console.log(`paired ratios postq/postqueue per run: ${postq.map((p, i) => (p.indexMs / postqueue[i]!).toFixed(2)).join(', ')}`);
if (postqueue.length === listJson.length) console.log(`paired ratios list --json/postqueue per run: ${listJson.map((v, i) => (v / postqueue[i]!).toFixed(2)).join(', ')}; list RSS MiB ${listRss.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')}`);
console.log(`watcher stats after the burst: ${JSON.stringify(live.stats)}`);

// The console's rows (key press to frame, bytes per cursor move, keys during a burst), in the
// same run and on the same machine.
// BENCH_TABLES=console,groups,stats,log,fleet (the default: all) picks the tables after the watcher's.
const tables = new Set((process.env.BENCH_TABLES ?? 'console,groups,stats,log,fleet').split(','));
if (tables.has('console')) {
  console.log('');
  printTable(`postq console rendering, ${messages} messages`, await runConsoleBench(messages));
}

// Who and why: building the groupings, the why view under bursts, body: against grep.
if (tables.has('groups')) {
  console.log('');
  printTable(`postq who/why, ${messages} messages`, await runGroupsBench(messages, spool.spool));
}

// postq stats --watch between changes: the monitoring output's cost at rest.
if (tables.has('stats')) {
  console.log('');
  printTable('postq stats --watch', await runStatsBench(workDir, spool.spool, messages, log));
}

// The log trail: one id's trail in a 1 GiB log against grep -F, and the live tail at rest.
if (tables.has('log')) {
  console.log('');
  printTable('postq log trail', await runLogBench(workDir, log));
}

// The fleet: many targets' links merged into one store (BENCH_FLEET=0 skips it).
if (tables.has('fleet') && process.env.BENCH_FLEET !== '0') {
  console.log('');
  printTable('postq fleet (links to serve --stdio, merged)', await runFleetBench(workDir, mover, log));
}
