/**
 * Time-slicing for long synchronous work on the main thread: run until the slice budget is
 * spent, then yield one macrotask so fs.watch events, key presses and frames get their turn.
 * Sync reads are 6-7x faster than fs.promises here (stack-notes section 1); slicing keeps them
 * from blocking the event loop (which would overflow the kernel's inotify queue silently).
 *
 * Contract: `due` is cheap (one clock read); `pause()` resolves on the next setImmediate.
 * Nothing here throws.
 */

export interface Slicer {
  /** Start a slice: call when a unit of work begins after idle time. */
  begin(): void;
  /** True once the current slice has used its budget. */
  readonly due: boolean;
  /** Yield to the event loop and start a new slice. */
  pause(): Promise<void>;
  /** Longest slice that ended in a pause, in ms (for stats and the benchmark). */
  readonly longestSliceMs: number;
}

export function createSlicer(budgetMs = 8): Slicer {
  let start = performance.now();
  let longest = 0;
  return {
    begin() {
      start = performance.now();
    },
    get due() {
      return performance.now() - start >= budgetMs;
    },
    async pause() {
      longest = Math.max(longest, performance.now() - start);
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    },
    get longestSliceMs() {
      return longest;
    },
  };
}
