/**
 * The console's opt-in self-report, for the soak harness (bench/soak.ts, test/e2e/soak.test.ts):
 * what only the process itself can see, written as one JSON line to a file every few seconds.
 * Off unless POSTQ_DEBUG_STATS names the file; it then costs one timer (unref'd) and a
 * timestamp per key and per terminal write.
 *
 *   POSTQ_DEBUG_STATS=FILE        append a line to FILE every POSTQ_DEBUG_STATS_EVERY seconds
 *   POSTQ_DEBUG_STATS_EVERY=N     seconds between lines (default 5)
 *   POSTQ_DEBUG_STATS_GC=1        run a full garbage collection before each line, so heapUsed
 *                                 is what is retained; its CPU is reported (gcCpuMs) so the
 *                                 harness can leave it out of the console's own CPU
 *
 * A line: t (epoch ms), memory (process.memoryUsage), spaces (V8's heap spaces, MiB
 * committed each), cpuMs (user+system so far), gcCpuMs,
 * resources (process.getActiveResourcesInfo() counted by type: FSWatcher, Timeout, TTYWrap...),
 * perfEntries (Node's performance timeline: React's development build piled up measures here),
 * entries (messages in the store), keys (so far), keyFrameMs (key -> first frame write, for
 * the keys since the last line), writes, frames (writes that are more than a synchronized-update
 * marker) and bytes to the terminal (so far), and the caller's fixed facts (the console's
 * inkOutputCaches: whether Ink's output caches are shared, ink-output-cache.ts) and its gauges,
 * read at each line (inkTextCache: the entries in Ink's bounded text-size cache, or null when
 * it is not bounded, ink-text-cache.ts). Write errors are ignored: the console matters more.
 */
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface DebugStats {
  /** Call when a key is pressed (before it is handled). */
  noteKey(): void;
  stop(): void;
}

const SYNC_MARKERS = /\x1b\[\?2026[hl]/g;

function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function countByType(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/**
 * Null unless env.POSTQ_DEBUG_STATS is set. Times the writes to `stdout` (the terminal the
 * console draws on); `entries`: the store's message count; `facts` go into every line.
 */
export function startDebugStats(env: NodeJS.ProcessEnv, stdout: NodeJS.WriteStream, entries: () => number, facts: Record<string, unknown> = {}, gauges: () => Record<string, unknown> = () => ({})): DebugStats | null {
  const file = env['POSTQ_DEBUG_STATS'];
  if (!file) return null;
  const everyMs = Math.max(0.1, Number(env['POSTQ_DEBUG_STATS_EVERY'] ?? 5) || 5) * 1000;
  const gc = env['POSTQ_DEBUG_STATS_GC'] === '1' ? forcedGc() : null;
  let keys = 0;
  let keyAt: number | null = null;
  let keyFrameMs: number[] = [];
  let gcCpuMs = 0;
  let writes = 0;
  let frames = 0;
  let bytes = 0;

  // A frame is the first write after the key that is more than a synchronized-update marker.
  // The stream's own write is wrapped (not a proxy stream: Ink keys its instance by stdout).
  const write = stdout.write;
  stdout.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: never[]) {
    writes++;
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (typeof chunk !== 'string' || chunk.replace(SYNC_MARKERS, '') !== '') {
      frames++;
      if (keyAt !== null) {
        keyFrameMs.push(Math.round((performance.now() - keyAt) * 100) / 100);
        keyAt = null;
      }
    }
    return write.call(this, chunk, ...rest);
  } as NodeJS.WriteStream['write'];

  const line = () => {
    if (gc) {
      const before = process.cpuUsage();
      gc();
      const used = process.cpuUsage(before);
      gcCpuMs += (used.user + used.system) / 1000;
    }
    const cpu = process.cpuUsage();
    const record = {
      ...facts,
      ...gauges(),
      t: Date.now(),
      memory: process.memoryUsage(),
      // Where V8's heap reserve is: new space grows with the allocation rate, old space with
      // what is kept (MiB committed per space).
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, Math.round((s.space_size / 2 ** 20) * 100) / 100])),
      cpuMs: (cpu.user + cpu.system) / 1000,
      gcCpuMs,
      resources: countByType(process.getActiveResourcesInfo()),
      perfEntries: performance.getEntries().length,
      entries: entries(),
      keys,
      keyFrameMs,
      writes,
      frames,
      bytes,
    };
    keyFrameMs = [];
    try {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    } catch {
      // The harness's file is gone: nothing to report to.
    }
  };
  const timer = setInterval(line, everyMs);
  timer.unref();
  line();
  return {
    noteKey() {
      keys++;
      keyAt ??= performance.now();
    },
    stop() {
      clearInterval(timer);
      stdout.write = write;
    },
  };
}
