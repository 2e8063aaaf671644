/** What bench/watch-probe.ts prints (its last line, JSON) and bench/run.ts reads. */
export interface Probe {
  indexMs: number;
  firstCountsMs: number | null;
  firstCountsSinceProcessStartMs: number | null;
  indexCpuMs: number;
  /** The main thread's share of indexCpuMs (the rest: read workers, V8's GC threads). */
  indexMainThreadCpuMs?: number;
  indexRunQueueWaitMs: number;
  firstCountsCpuMs: number | null;
  maxRssBytes: number;
  entries: number;
  watches: number;
  longestSliceMs: number;
  readWorkers: number;
  idleCpuPercent?: number;
  reconcilesDuringIdle?: number;
  singleLatencyMs?: number[];
  burstLatencyMs?: number[];
  burstMoves?: number;
  burstSeen?: number;
  burstCpuMs?: number;
  burstRunQueueWaitMs?: number;
  stats?: Record<string, number>;
  processWallMs: number;
  snapshotTrusted?: number;
  snapshotStale?: number;
  snapshotIgnored?: string | null;
  stopMs?: number;
  backgroundSaveMs?: number;
  backgroundSaveMaxDelayMs?: number;
  savedAtStop?: boolean;
  indexDoneSinceProcessStartMs?: number;
  /** CPU from process start to the index's end: all threads, and the main thread's. */
  indexDoneCpuSinceProcessStartMs?: number;
  indexDoneMainThreadCpuSinceProcessStartMs?: number;
}
