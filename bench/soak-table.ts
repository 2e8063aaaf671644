/**
 * The soak's table: one row per resource with its value at the start, after warm-up and at
 * the end (each over a window of samples), its slope per hour after warm-up (least squares),
 * the goal and whether it is met, and the queue size at each point. Pure.
 */
import { MAX_TEXTS } from '../src/ui/ink-text-cache.js';
import { printMarkdownTable } from './report.js';

export interface SoakSample {
  /** Seconds since the feeder started. */
  s: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8's heap reserve, external memory (C++ objects held from JS) and its ArrayBuffers (Buffers). */
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** The console's own CPU over the interval before this sample, % of one core (forced GCs left out). */
  cpuPercent: number;
  /** CPU ms (own, forced GCs left out) and wall ms of that interval. */
  cpuMs: number;
  wallMs: number;
  fds: number;
  inotifyWatches: number;
  handles: number;
  timers: number;
  perfEntries: number;
  /** Entries in Ink's bounded text-size cache (null: not bounded, or not reported). */
  inkTextCache?: number | null;
  queueSize: number;
  events: number;
  keyFrameMs: number[];
  /** V8's heap spaces, MiB committed each (POSTQ_DEBUG_STATS). */
  spaces?: Record<string, number>;
}

export interface Window {
  label: string;
  samples: SoakSample[];
}

export interface TableRow {
  metric: string;
  cells: string[];
  slope: string;
  goal: string;
  met: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Least-squares slope of `value` against hours. */
export function slopePerHour(samples: SoakSample[], value: (s: SoakSample) => number): number {
  const n = samples.length;
  if (n < 2) return NaN;
  const xs = samples.map((s) => s.s / 3600);
  const ys = samples.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) (num += (xs[i]! - mx) * (ys[i]! - my)), (den += (xs[i]! - mx) ** 2);
  return den === 0 ? 0 : num / den;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const signed = (x: number, unit: string, digits = 1) => (Number.isNaN(x) ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}${unit}/h`);
const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
const cpuOf = (w: SoakSample[]) => (100 * w.reduce((a, s) => a + s.cpuMs, 0)) / Math.max(1, w.reduce((a, s) => a + s.wallMs, 0));
const maxOf = (w: SoakSample[], f: (s: SoakSample) => number) => Math.max(...w.map(f));
const keysOf = (w: SoakSample[]) => w.flatMap((s) => s.keyFrameMs);

/** The table's rows for windows [start, after warm-up, end] and the post-warm-up samples. */
export function soakRows(windows: [Window, Window, Window], afterWarmup: SoakSample[], idleCpuPercent: number | null): TableRow[] {
  const [start, warm, end] = windows.map((w) => w.samples) as [SoakSample[], SoakSample[], SoakSample[]];
  const within = (a: number, b: number, share: number) => Math.abs(b - a) <= share * a;
  const row = (metric: string, f: (w: SoakSample[]) => number, fmt: (x: number) => string, slope: string, goal: string, ok: boolean | null): TableRow => ({
    metric,
    cells: [start, warm, end].map((w) => fmt(f(w))),
    slope,
    goal,
    met: ok === null ? '' : yes(ok),
  });
  const rss = (w: SoakSample[]) => median(w.map((s) => s.rssBytes));
  const heap = (w: SoakSample[]) => median(w.map((s) => s.heapUsedBytes));
  const flat = (f: (s: SoakSample) => number) => (w: SoakSample[]) => maxOf(w, f);
  const count = (x: number) => String(x);
  const slopeOf = (f: (s: SoakSample) => number, unit: string, scale = 1, digits = 1) => signed(slopePerHour(afterWarmup, f) / scale, unit, digits);
  const p = (q: number) => (w: SoakSample[]) => percentile(keysOf(w), q);
  const msFmt = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(1)} ms`);
  return [
    row('queue size (messages in the console)', (w) => median(w.map((s) => s.queueSize)), count, slopeOf((s) => s.queueSize, '', 1, 0), 'steady (the feeder keeps it)', null),
    row('RSS', rss, mib, slopeOf((s) => s.rssBytes, ' MiB', 2 ** 20), 'end within 10% of warm-up', within(rss(warm), rss(end), 0.1)),
    row('heap used (after a forced GC)', heap, mib, slopeOf((s) => s.heapUsedBytes, ' MiB', 2 ** 20), 'end within 10% of warm-up', within(heap(warm), heap(end), 0.1)),
    row('  heap total (V8 reserve)', (w) => median(w.map((s) => s.heapTotalBytes)), mib, slopeOf((s) => s.heapTotalBytes, ' MiB', 2 ** 20), '', null),
    row('  external (C++ memory held from JS)', (w) => median(w.map((s) => s.externalBytes)), mib, slopeOf((s) => s.externalBytes, ' MiB', 2 ** 20), '', null),
    row('    of which ArrayBuffers (Buffers)', (w) => median(w.map((s) => s.arrayBuffersBytes)), mib, slopeOf((s) => s.arrayBuffersBytes, ' MiB', 2 ** 20), '', null),
    // What V8 does not account for: code, stacks, the allocator's arenas and free lists.
    row('  RSS - heap total - external', (w) => median(w.map((s) => s.rssBytes - s.heapTotalBytes - s.externalBytes)), mib, slopeOf((s) => s.rssBytes - s.heapTotalBytes - s.externalBytes, ' MiB', 2 ** 20), '', null),
    row('CPU, own (/proc/PID/stat), % of a core', cpuOf, (x) => `${x.toFixed(2)} %`, slopeOf((s) => s.cpuPercent, ' %', 1, 2), '<= 5 %', cpuOf(end) <= 5),
    row('open file descriptors (max)', flat((s) => s.fds), count, slopeOf((s) => s.fds, ''), 'flat', maxOf(end, (s) => s.fds) <= maxOf(warm, (s) => s.fds)),
    row('inotify watches (max)', flat((s) => s.inotifyWatches), count, slopeOf((s) => s.inotifyWatches, ''), 'flat', maxOf(end, (s) => s.inotifyWatches) <= maxOf(warm, (s) => s.inotifyWatches)),
    row('active handles and requests (max)', flat((s) => s.handles), count, slopeOf((s) => s.handles, ''), 'flat', maxOf(end, (s) => s.handles) <= maxOf(warm, (s) => s.handles)),
    // A timer armed at the moment of a sample (the gate's, a flush's) is not growth: one more is allowed.
    row('  of which timers (max)', flat((s) => s.timers), count, slopeOf((s) => s.timers, ''), 'flat (+1: one armed at the moment)', maxOf(end, (s) => s.timers) <= maxOf(warm, (s) => s.timers) + 1),
    row('performance timeline entries', flat((s) => s.perfEntries), count, slopeOf((s) => s.perfEntries, ''), 'flat', maxOf(end, (s) => s.perfEntries) <= maxOf(warm, (s) => s.perfEntries)),
    ...(end.some((s) => typeof s.inkTextCache === 'number')
      ? [row("Ink text-size cache entries (max)", flat((s) => s.inkTextCache ?? 0), count, slopeOf((s) => s.inkTextCache ?? 0, ''), `<= ${MAX_TEXTS} (its bound)`, maxOf(end, (s) => s.inkTextCache ?? 0) <= MAX_TEXTS)]
      : []),
    row('key -> frame p50', p(50), msFmt, '', '', null),
    row('key -> frame p99', p(99), msFmt, '', 'end within 10% of start', keysOf(end).length === 0 ? null : p(99)(end) <= p(99)(start) * 1.1),
    row('keys measured', (w) => keysOf(w).length, count, '', '', null),
    {
      metric: 'idle CPU (feeder paused, no keys)',
      cells: ['', '', idleCpuPercent === null ? 'n/a' : `${idleCpuPercent.toFixed(2)} %`],
      slope: '',
      goal: '< 1 %',
      met: idleCpuPercent === null ? '' : yes(idleCpuPercent < 1),
    },
  ];
}

export function printSoakTable(title: string, windows: Window[], rows: TableRow[], out: (line: string) => void = console.log): void {
  const header = ['metric', ...windows.map((w) => w.label), 'slope after warm-up', 'goal', 'met'];
  const cells = rows.map((r) => [r.metric, ...r.cells, r.slope, r.goal, r.met]);
  printMarkdownTable(title, header, cells, out);
}
