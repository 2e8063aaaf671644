/**
 * A target's spool as last heard: its entries by queue id, kept by applying the remote's
 * batches in order (a full batch replaces everything), and a summary for the fleet overview.
 * When the link drops the rows stay, marked stale with the time, so a lost host never looks
 * like an empty one. Pure apart from the clock passed in.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import { computeQueueStats, type QueueStatsMap } from '../store/queue-stats.js';

export interface TargetSummary {
  stats: QueueStatsMap;
  total: number;
  /** Epoch seconds of the oldest message's arrival, or null. */
  oldestArrival: number | null;
  /** The most common delay reason (raw text; sanitize at display) and how many carry it. */
  topReason: { text: string; count: number } | null;
}

export interface Mirror {
  readonly entries: ReadonlyMap<string, QueueEntry>;
  readonly stale: boolean;
  apply(batch: SpoolBatch): void;
  markStale(stale: boolean): void;
  /** The current rows as one full batch (what a console opened now starts from). */
  snapshot(): SpoolBatch;
  summary(): TargetSummary;
}

export function createMirror(): Mirror {
  let entries = new Map<string, QueueEntry>();
  let stale = false;
  let cached: TargetSummary | null = null;
  return {
    get entries() {
      return entries;
    },
    get stale() {
      return stale;
    },
    apply(batch) {
      if (batch.full) entries = new Map();
      for (const e of batch.upserts) entries.set(e.queueId, e);
      for (const id of batch.removals) entries.delete(id);
      stale = false;
      cached = null;
    },
    markStale(value) {
      stale = value;
    },
    snapshot: () => ({ upserts: [...entries.values()], removals: [], full: true, firstEventAt: null }),
    summary() {
      cached ??= summarize(entries.values());
      return cached;
    },
  };
}

export function summarize(all: Iterable<QueueEntry>): TargetSummary {
  const list = [...all];
  const stats = computeQueueStats(list);
  let oldestArrival: number | null = null;
  const reasons = new Map<string, number>();
  for (const e of list) {
    if (oldestArrival === null || e.arrivalTime < oldestArrival) oldestArrival = e.arrivalTime;
    if (e.queueName !== 'deferred') continue;
    const reason = e.recipients.find((r) => r.delayReason)?.delayReason;
    if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  let topReason: TargetSummary['topReason'] = null;
  for (const [text, count] of reasons) if (!topReason || count > topReason.count) topReason = { text, count };
  const total = QUEUE_NAMES.reduce((n, q: QueueName) => n + stats[q].count, 0);
  return { stats, total, oldestArrival, topReason };
}
