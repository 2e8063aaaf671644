/**
 * Makes the read workers of `postq list`/`count` optimize their hot code (TurboFan) on their own
 * thread, not on V8's shared background threads (issue 15: the single-file bundle's
 * `list --json` at 300,000 messages over 95.4 MiB).
 *
 * Why: a TurboFan job allocates its compiler zones with malloc on the thread that runs it, and
 * each of V8's four background threads has a malloc arena of its own, which keeps the pages a
 * job freed (glibc trims an arena only from its top). Measured at 300,000 messages (smaps, each
 * thread's arena found through gdb's thread_arena, load 6-9): the four background arenas held
 * 7.9 MB for the bundle's `list --json` (the workers' jobs: the same code optimized once per
 * worker), 1.3 MB with the workers optimizing on their own thread, whose arena is reused from
 * job to job. The work is the same; it only moves to the worker that wanted it, which waits for
 * it (a few ms per function, a few dozen functions per worker).
 *
 * Contract: optimizeOnWorkerThreads() sets V8's --no-concurrent-recompilation. V8 reads it when
 * it makes a heap (Isolate::Init): the workers made from then on compile synchronously; the main
 * thread, whose heap was made as the process started, keeps its background jobs (few, for a
 * thread that only writes). The console never calls it. Never throws.
 *
 * It also lowers V8's inlining budget (--max-inlined-bytecode-size-cumulative, read at each
 * compile) from 920 to INLINE_BUDGET bytes of bytecode per optimized function: a job's zones
 * grow with what it inlines, and a worker's arena kept the pages of its largest job, met later
 * the longer the listing. `list --json`, paired runs at load 5-8: at 920, 86.9-88.4 MB at
 * 300,000 messages against 83.3-85.8 at 100,000; at 300, 82.8-87.4 (five of six under 86)
 * against 83.8-84.4. The cost: 5-9 % more user CPU at 300,000 (none measured at 100,000); 460
 * cost half that, and held 100,000 at 85.2-86.0.
 */
import { setFlagsFromString } from 'node:v8';

/** Bytes of bytecode a TurboFan job may inline in all (V8's default: 920). */
export const INLINE_BUDGET = 300;

export function optimizeOnWorkerThreads(): void {
  setFlagsFromString('--no-concurrent-recompilation');
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET}`);
}
