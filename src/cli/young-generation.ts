/**
 * Holds the young generation of every V8 heap in this process (the main thread's and each
 * read worker's) at the size it has, for `postq list`/`count` and the console (issue 15).
 *
 * Why: V8 doubles a young generation each time as much has survived it since the last growth,
 * and the index (or a listing's first reads) promotes what it reads: the console's main thread
 * went to 2 x 16 MB semi-spaces and stayed there, a fifth of its peak RSS, and `list`'s
 * main thread, which only writes, to 2 x 4 MB during its start. `node --max-semi-space-size=N`
 * would cap it, but `node postq.mjs` takes no flags from the file, and a process cannot set that
 * one for itself (V8 reads it once, when the heap is made). The growth factor V8 reads at each
 * growth: at 1 the young generation keeps its size. The console lets it grow to 2 x 2 MB first
 * (held as it starts, keys pressed during the fill waited longer: p99 75-114 ms against 52-78
 * ms before, load 8-10; from 4 MB 40-81 ms, and a fill peak of 237-248 MiB against 270-271).
 *
 * A worker held at the size it starts with (semi-spaces of 1 MB) collected 8x as often as the
 * watcher's own (722-833 scavenges in a console fill at 100k against 91, and 4-6 full
 * collections against none: what a slice reads outlived the small young generation): the
 * console's workers start at 4 MB semi-spaces instead (173-178 scavenges), which costs about
 * 2.5 MB of RSS each over 2 MB ones (`workerSemiSpaceMb`).
 *
 * Contract: holdYoungGeneration(fromMb, workerSemiSpaceMb) sets V8's semi-space growth factor
 * to 1 once the main thread's young generation (both semi-spaces) is at least `fromMb` (checked
 * now and after each collection), and again each time a worker thread of this process is online
 * from then on: V8 raises the factor back to at least 2 whenever it configures a new heap
 * (Heap::ConfigureHeap), a worker's included. With `workerSemiSpaceMb`, heaps made from then on
 * (the workers': the main thread's was made as the process started) start with semi-spaces of
 * that size (V8's --min-semi-space-size, read when a heap is configured); a worker's
 * resourceLimits still cap it. Nothing is shrunk. The first call decides; never throws.
 */
import { subscribe } from 'node:diagnostics_channel';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

let state: 'free' | 'waiting' | 'held' = 'free';

const newSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

function hold(): void {
  state = 'held';
  setFlagsFromString('--semi-space-growth-factor=1');
}

export function holdYoungGeneration(fromMb = 0, workerSemiSpaceMb = 0): void {
  if (state !== 'free') return;
  if (workerSemiSpaceMb > 0) setFlagsFromString(`--min-semi-space-size=${workerSemiSpaceMb}`);
  // Node publishes every new Worker here; 'online' comes once its heap is made (and the factor reset).
  subscribe('worker_threads', (message) => (message as { worker: Worker }).worker.once('online', () => state === 'held' && hold()));
  const from = fromMb * 2 ** 20;
  if (newSpaceBytes() >= from) return hold();
  state = 'waiting';
  const observer = new PerformanceObserver(() => {
    if (state !== 'waiting' || newSpaceBytes() < from) return;
    observer.disconnect();
    hold();
  });
  observer.observe({ entryTypes: ['gc'] });
}
