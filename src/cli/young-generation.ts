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
 * growth: at 1 the young generation keeps its size. Measured on the 100k bench spool (load
 * 11-16): console peak RSS 278-291 -> 255-257 MiB, fill no slower; `list --json` ~3 MiB less.
 *
 * Contract: holdYoungGeneration() sets V8's semi-space growth factor to 1, now and again each
 * time a worker thread of this process is online: V8 raises the factor back to at least 2
 * whenever it configures a new heap (Heap::ConfigureHeap), a worker's included. Nothing is
 * shrunk; a heap at its limit is unaffected. Idempotent; never throws.
 */
import { subscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

let held = false;

const hold = () => setFlagsFromString('--semi-space-growth-factor=1');

export function holdYoungGeneration(): void {
  if (held) return;
  held = true;
  hold();
  // Node publishes every new Worker here; 'online' comes once its heap is made (and the factor reset).
  subscribe('worker_threads', (message) => (message as { worker: Worker }).worker.once('online', hold));
}
