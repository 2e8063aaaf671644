/**
 * The trends in `postq stats --watch --json`: the store's two rings (store/trends.ts) as
 * arrays, oldest first, one value per sample held (no padding before the rings fill): the
 * sample times, each queue's message count and oldest age (seconds, 0 when empty), the whole
 * spool's oldest age, and arrivals and departures per minute (null for the first sample: a
 * rate needs two). Pure.
 */
import { QUEUE_NAMES } from '../domain/queue.js';
import type { RingBuffer } from '../store/ring-buffer.js';
import { trendWindow, HOUR_STEP_SECONDS, type TrendHistory, type TrendSample, type TrendSeries } from '../store/trends.js';

const held = (series: TrendSeries, size: number) => series.values.slice(series.values.length - size);

function windowJson(ring: RingBuffer<TrendSample>, stepSeconds: number) {
  const w = trendWindow(ring);
  const n = ring.size;
  return {
    step_seconds: stepSeconds,
    at: ring.toArray().map((s) => s.at),
    queues: Object.fromEntries(QUEUE_NAMES.map((q) => [q, { messages: held(w.queues[q], n), oldest_age: held(w.queueAges[q], n).map((v) => (v === null ? null : Math.floor(v))) }])),
    oldest_age: held(w.oldestAge, n).map((v) => (v === null ? null : Math.floor(v))),
    arrivals_per_minute: held(w.arrivals, n),
    departures_per_minute: held(w.departures, n),
  };
}

/** `recent` (every `stepSeconds`, the last 60) and `hour` (a sample a minute, the last 60). */
export function trendsJson(history: TrendHistory, stepSeconds: number) {
  return { recent: windowJson(history.recent, stepSeconds), hour: windowJson(history.hour, HOUR_STEP_SECONDS) };
}
