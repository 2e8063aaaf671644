/**
 * Trends: the queues' depth, arrivals and departures, and the oldest message's age, sampled
 * over time into two fixed rings (ring-buffer.ts), so memory stays the same however long the
 * console runs:
 *
 *   recent  one sample every TREND_STEP_SECONDS (10 s), 60 slots: the last 10 minutes
 *   hour    one sample a minute (the first recent sample of each minute), 60 slots: the last hour
 *
 * A sample holds the six queue counts, the oldest arrival (all queues, and per queue) and the cumulative
 * arrivals and departures counted by the store per batch (batch-apply.ts countFlow: a message
 * id new to incoming/active/deferred/hold/corrupt arrives; one that leaves the spool from
 * there departs; maildrop is pickup's input, whose files become new ids, so it counts neither).
 *
 * Contract: record() is given samples in time order; it returns whether what the sparklines
 * show may have changed (false while every sample held equals the new one), so an idle console
 * draws no frame for it. selectTrends() turns the rings into series, memoised on the store's
 * trendVersion. Pure; never throws.
 */
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { ConsoleData } from './console-state.js';
import { RingBuffer } from './ring-buffer.js';
import { memoSlot } from './selector-cache.js';

export const TREND_STEP_SECONDS = 10;
export const RECENT_SLOTS = 60;
export const HOUR_STEP_SECONDS = 60;
export const HOUR_SLOTS = 60;

export interface TrendSample {
  /** Epoch seconds. */
  at: number;
  counts: Readonly<Record<QueueName, number>>;
  /** Epoch seconds of the oldest message in any queue, null when the spool is empty. */
  oldestArrival: number | null;
  /** Epoch seconds of each queue's oldest message, null when it is empty. */
  queueOldest: Readonly<Record<QueueName, number | null>>;
  /** Cumulative since the console started. */
  arrivals: number;
  departures: number;
}

function sameSample(a: TrendSample, b: TrendSample): boolean {
  return a.oldestArrival === b.oldestArrival && a.arrivals === b.arrivals && a.departures === b.departures && QUEUE_NAMES.every((q) => a.counts[q] === b.counts[q] && a.queueOldest[q] === b.queueOldest[q]);
}

function uniform(ring: RingBuffer<TrendSample>, sample: TrendSample): boolean {
  for (let i = 0; i < ring.size; i++) if (!sameSample(ring.at(i)!, sample)) return false;
  return true;
}

export class TrendHistory {
  readonly recent = new RingBuffer<TrendSample>(RECENT_SLOTS);
  readonly hour = new RingBuffer<TrendSample>(HOUR_SLOTS);

  /** Add a sample; true when the rings' contents as drawn may have changed. */
  record(sample: TrendSample): boolean {
    const changed = !(this.recent.size === this.recent.capacity && uniform(this.recent, sample) && this.hour.size === this.hour.capacity && uniform(this.hour, sample));
    this.recent.push(sample);
    const lastHour = this.hour.last();
    if (!lastHour || sample.at - lastHour.at >= HOUR_STEP_SECONDS - TREND_STEP_SECONDS / 2) this.hour.push(sample);
    return changed;
  }
}

/** One line of a sparkline: `slots` values, oldest first, null where no sample is yet. */
export interface TrendSeries {
  values: readonly (number | null)[];
  /** The newest value, null before the first sample (or, for a rate, the second). */
  latest: number | null;
}

export interface TrendWindow {
  queues: Readonly<Record<QueueName, TrendSeries>>;
  /** Messages per minute between consecutive samples. */
  arrivals: TrendSeries;
  departures: TrendSeries;
  /** The oldest message's age (seconds) at each sample; 0 when the spool was empty. */
  oldestAge: TrendSeries;
  /** Each queue's oldest message's age (seconds) at each sample; 0 when it was empty. */
  queueAges: Readonly<Record<QueueName, TrendSeries>>;
}

export interface TrendView {
  recent: TrendWindow;
  hour: TrendWindow;
  /** Over the last minute (or what there is of it), per minute; null before two samples. */
  arrivalsPerMinute: number | null;
  departuresPerMinute: number | null;
  /** Samples held in the recent ring (0: nothing to draw yet). */
  samples: number;
}

function series(ring: RingBuffer<TrendSample>, value: (s: TrendSample, prev: TrendSample | undefined) => number | null): TrendSeries {
  const values: (number | null)[] = new Array(ring.capacity - ring.size).fill(null);
  for (let i = 0; i < ring.size; i++) values.push(value(ring.at(i)!, ring.at(i - 1)));
  return { values, latest: values[values.length - 1] ?? null };
}

const perMinute = (pick: (s: TrendSample) => number) => (s: TrendSample, prev: TrendSample | undefined): number | null =>
  prev && s.at > prev.at ? ((pick(s) - pick(prev)) * 60) / (s.at - prev.at) : null;

const ageAt = (s: TrendSample, arrival: number | null): number => (arrival === null ? 0 : Math.max(0, s.at - arrival));

export function trendWindow(ring: RingBuffer<TrendSample>): TrendWindow {
  return {
    queues: Object.fromEntries(QUEUE_NAMES.map((q) => [q, series(ring, (s) => s.counts[q])])) as Record<QueueName, TrendSeries>,
    arrivals: series(ring, perMinute((s) => s.arrivals)),
    departures: series(ring, perMinute((s) => s.departures)),
    oldestAge: series(ring, (s) => ageAt(s, s.oldestArrival)),
    queueAges: Object.fromEntries(QUEUE_NAMES.map((q) => [q, series(ring, (s) => ageAt(s, s.queueOldest[q]))])) as Record<QueueName, TrendSeries>,
  };
}

/** Per minute over the newest minute of the ring (at least one step), or null. */
function lastMinuteRate(ring: RingBuffer<TrendSample>, pick: (s: TrendSample) => number): number | null {
  const last = ring.last();
  if (!last || ring.size < 2) return null;
  let from = ring.at(ring.size - 2)!;
  for (let i = ring.size - 2; i >= 0; i--) {
    from = ring.at(i)!;
    if (last.at - from.at >= 60) break;
  }
  return last.at > from.at ? ((pick(last) - pick(from)) * 60) / (last.at - from.at) : null;
}

export function buildTrendView(history: TrendHistory): TrendView {
  return {
    recent: trendWindow(history.recent),
    hour: trendWindow(history.hour),
    arrivalsPerMinute: lastMinuteRate(history.recent, (s) => s.arrivals),
    departuresPerMinute: lastMinuteRate(history.recent, (s) => s.departures),
    samples: history.recent.size,
  };
}

/** The trend view, rebuilt only when a sample changed what it shows. */
export function selectTrends(state: ConsoleData): TrendView {
  return memoSlot(state.cache, 'trends', [state.trendVersion], () => buildTrendView(state.trends));
}
