/**
 * The console filling on a cold start, in its own process (bench/run.ts runs it bundled, like
 * watch-probe.ts): startConsole() as `postq` runs it (the watcher feeding the store through the
 * batch gate, Ink with the console's render options) on a headless 80x24 terminal that only
 * notes when each write happens. Measures, from process start, when the store holds every
 * listed message and a frame written after that (every row on screen), when the watcher's
 * index was done, and the peak RSS. Mode `keys` also presses j/k every 33 ms (keyboard
 * auto-repeat) from the first frame until the fill is done, timing each key to its frame.
 * Prints one JSON line.
 * Usage: node console-fill-probe.mjs SPOOL THEME_FILE fill|keys
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { startConsole } from '../src/cli/console-command.js';
import { watcherFeed } from '../src/cli/watcher-feed.js';
import { createReadOnlyBackend } from '../src/actions/read-only-backend.js';
import { resolveSpoolConfig } from '../src/config/spool-config.js';
import { loadThemeFile } from '../src/config/theme-load.js';
import type { ConsoleStore } from '../src/store/console-state.js';
import { keySequence } from '../src/ui/keymap.js';
import { shareInkOutputCaches } from '../src/ui/ink-output-cache.js';
import { FakeStdin } from '../test/helpers/fake-terminal.js';
import { mainThreadCpuMs } from './thread-cpu.js';

const [spoolArg, themeFile, mode = 'fill'] = process.argv.slice(2);
const config = resolveSpoolConfig({ spool: resolve(spoolArg!) });

/** A terminal that draws nothing: Ink's writes are only timed (a real one costs the terminal, not postq). */
class HeadlessStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  writes: number[] = [];
  bytes = 0;
  write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    this.writes.push(performance.now());
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  };
  getColorDepth = () => 8;
  hasColors = () => true;
}

const stdout = new HeadlessStdout();
const stdin = new FakeStdin();
let store: ConsoleStore | null = null;
let listed: number | null = null;
let indexDoneAt: number | null = null;
let filledAt: number | null = null;
let done: () => void = () => {};
const finished = new Promise<void>((r) => (done = r));

/** When the console started its watcher, since process start (what it loaded and did before). */
let watcherStartMs: number | null = null;
let filledCpu: { cpuMs: number; mainThreadCpuMs: number } | null = null;

const checkFilled = () => {
  if (filledAt === null && listed !== null && indexDoneAt !== null && store!.getState().entries.size >= listed) {
    filledAt = performance.now();
    const cpu = process.cpuUsage();
    filledCpu = { cpuMs: (cpu.user + cpu.system) / 1000, mainThreadCpuMs: mainThreadCpuMs() };
    done();
  }
};

void startConsole({
  config,
  backend: createReadOnlyBackend(),
  theme: loadThemeFile(themeFile!),
  host: 'bench',
  altScreen: false,
  env: { TERM: 'xterm-256color', HOME: '/nonexistent' },
  stdout: stdout as unknown as NodeJS.WriteStream,
  stdin: stdin as unknown as NodeJS.ReadStream,
  stderr: process.stderr,
  keepProcess: true,
  // watcherFeed() as postq runs it (without its warm start, POSTQ_SNAPSHOT=off), with its
  // start, the listed count and the index's end noted: the index's batches carry the listed
  // counts, the one that ends it does not (as the batch gate tells them apart).
  feed: (s, cfg, fail, gate) => {
    watcherStartMs = performance.now();
    store = s;
    s.subscribe(checkFilled);
    return watcherFeed(s, cfg, fail, {
      ...gate,
      push: (batch) => {
        if (batch.listedCounts && listed === null) listed = Object.values(batch.listedCounts).reduce((n, c) => n + (c ?? 0), 0);
        gate.push(batch);
        if (!batch.listedCounts && listed !== null && indexDoneAt === null) (indexDoneAt = performance.now()), checkFilled();
      },
    }, false);
  },
});

const keyLatencyMs: number[] = [];
if (mode === 'keys') {
  // Keys start once two rows are there, and j/k alternate: every key then moves the cursor and
  // must draw a frame. (j six times and k once drifted to the last row early in the fill, where j
  // changes nothing: no frame, and the 2 s wait was recorded as that key's latency.)
  while (stdout.writes.length === 0 || store!.getState().entries.size < 2) await new Promise((r) => setTimeout(r, 5));
  for (let k = 0; filledAt === null; k++) {
    const next = performance.now() + 33;
    const from = stdout.writes.length;
    const t0 = performance.now();
    stdin.write(keySequence(k % 2 === 0 ? 'j' : 'k'));
    while (stdout.writes.length === from && performance.now() - t0 < 2000) await new Promise((r) => setImmediate(r));
    keyLatencyMs.push((stdout.writes[from] ?? performance.now()) - t0);
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
await finished;
// The first write after the store held everything: the frame with every row. Ink writes
// nothing when the frame did not change (the rows on screen came earlier, the header counts
// came from the listing): then the screen was complete when the store was.
const frameWait = performance.now();
while (stdout.writes.at(-1)! < filledAt! && performance.now() - frameWait < 1000) await new Promise((r) => setTimeout(r, 1));
const frameAt = stdout.writes.find((t) => t >= filledAt!) ?? filledAt;
process.stdout.write(JSON.stringify({
  listed,
  entries: store!.getState().entries.size,
  indexDoneMs: indexDoneAt,
  filledMs: filledAt,
  frameMs: frameAt,
  watcherStartMs,
  // CPU from process start to the store complete: all threads, and the main thread's share.
  filledCpuMs: filledCpu!.cpuMs,
  filledMainThreadCpuMs: filledCpu!.mainThreadCpuMs,
  keys: keyLatencyMs.length,
  keyLatencyMs,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  // As postq runs (bench/run.ts refuses a probe built without the bundle's adaptations).
  inkOutputCaches: await shareInkOutputCaches(),
  memoryAtEnd: process.memoryUsage(),
}) + '\n');
process.exit(0);
