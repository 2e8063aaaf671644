/**
 * The console's trend timer: a sample of the store (queue counts, oldest arrival, arrivals and
 * departures so far) every TREND_STEP_SECONDS, plus one as soon as the first index is read, so
 * the sparklines start at once. The store keeps them in fixed rings (store/trends.ts) and
 * redraws only when a sample changed what they show. Returns a stop function.
 */
import type { ConsoleStore } from '../store/console-state.js';
import { TREND_STEP_SECONDS } from '../store/trends.js';

/**
 * Milliseconds between samples: TREND_STEP_SECONDS, or POSTQ_TREND_STEP_MS (50 or more) so a
 * test sees several samples in a second instead of a minute. The windows stay 60 samples.
 */
export function trendStepMs(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.POSTQ_TREND_STEP_MS);
  return env.POSTQ_TREND_STEP_MS && Number.isFinite(ms) && ms >= 50 ? ms : TREND_STEP_SECONDS * 1000;
}

export function startTrendFeed(store: ConsoleStore, intervalMs = TREND_STEP_SECONDS * 1000): () => void {
  const ready = () => {
    const s = store.getState();
    return s.watcher.mode !== 'starting' && s.listedCounts === null;
  };
  let unsubscribe: (() => void) | null = null;
  if (ready()) store.getState().recordTrend();
  else {
    unsubscribe = store.subscribe(() => {
      if (!ready()) return;
      unsubscribe?.();
      unsubscribe = null;
      store.getState().recordTrend();
    });
  }
  const timer = setInterval(() => store.getState().recordTrend(), intervalMs);
  timer.unref?.();
  return () => {
    unsubscribe?.();
    clearInterval(timer);
  };
}
